// Shared by the webhook e2e tests: a database with the webhook schema, a nats-server, webhook-ingest and the gateway as
// processes, a stand-in for auth-service's webhook-secrets subject, signers per scheme, and SQL/JetStream oracles.
import { jetstreamManager } from '@nats-io/jetstream';
import type { Msg, NatsConnection, Subscription } from '@nats-io/transport-node';
import {
  canonicalEventsStream,
  subjects,
  webhookReceivedStream,
  type WebhookSecretsGetResponse,
} from '@shelflink/contracts';
import { runServiceMigrations } from '@shelflink/database';
import {
  createTestDatabase,
  startService,
  startTcpProxy,
  startTestNats,
  type ServiceProcess,
  type TcpProxy,
  type TestDatabase,
  type TestNats,
} from '@shelflink/testing';
import { createHmac, randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { request as httpRequest, type ClientRequest } from 'node:http';
import pg from 'pg';
import { webhookDatabase } from '../apps/webhook-ingest/src/database/webhook.database.js';

const notFound = { error: { code: 'NOT_FOUND', message: 'No such connection' } };

export type Secrets = Omit<WebhookSecretsGetResponse, 'version'> & { version?: number };

/** Answers `auth.internal.webhook-secrets.get.v1` from a map, as auth-service would; tests change it to rotate. */
export class FakeSecretsResponder {
  readonly connections = new Map<string, WebhookSecretsGetResponse>();
  requests = 0;
  /** Connections whose lookups go unanswered until `release()`: their deliveries stay in flight at webhook-ingest. */
  readonly held = new Set<string>();
  private parked: Msg[] = [];
  private subscription?: Subscription;

  get parkedCount(): number {
    return this.parked.length;
  }

  /** Answers every parked lookup (as unknown connections) and stops holding. */
  release(): void {
    this.held.clear();
    for (const message of this.parked.splice(0)) message.respond(JSON.stringify(notFound));
  }

  set(connectionId: string, secrets: Secrets): void {
    const previous = this.connections.get(connectionId)?.version ?? 0;
    this.connections.set(connectionId, { ...secrets, version: secrets.version ?? previous + 1 });
  }

  async start(connection: NatsConnection): Promise<void> {
    this.subscription = connection.subscribe(subjects.authWebhookSecretsGet, { queue: 'auth-service' });
    void (async () => {
      for await (const message of this.subscription!) {
        this.requests++;
        const request = message.json<{ connectionId: string; provider: string }>();
        if (this.held.has(request.connectionId)) {
          this.parked.push(message);
          continue;
        }
        const found = this.connections.get(request.connectionId);
        const reply = found && found.provider === request.provider ? found : notFound;
        message.respond(JSON.stringify(reply));
      }
    })();
  }

  /** Admin API keys this stand-in accepts on `auth.apikey.verify.v1` (key → tenant). */
  readonly apiKeys = new Map<string, string>();

  async startApiKeys(connection: NatsConnection): Promise<void> {
    const subscription = connection.subscribe(subjects.authApiKeyVerify, { queue: 'auth-service' });
    void (async () => {
      for await (const message of subscription) {
        const { apiKey } = message.json<{ apiKey: string }>();
        const tenantId = this.apiKeys.get(apiKey);
        message.respond(
          JSON.stringify(
            tenantId
              ? { tenantId, keyId: `key-${tenantId}` }
              : { error: { code: 'UNAUTHENTICATED', message: 'bad key' } },
          ),
        );
      }
    })();
  }

  stop(): void {
    this.subscription?.unsubscribe();
  }
}

export interface WebhookStack {
  database: TestDatabase;
  nats: TestNats;
  sql: pg.Pool;
  secrets: FakeSecretsResponder;
  authConnection: NatsConnection;
  ingest: ServiceProcess;
  gateway: ServiceProcess;
  ingestEnv: Record<string, string>;
  /** webhook-ingest reaches Postgres through this proxy, so a test can take the database away from it alone. */
  postgresProxy: TcpProxy;
  restartIngest(): Promise<void>;
  stop(): Promise<void>;
}

/** Fast retry settings so dead-letter and crash tests finish in seconds. */
export const fastIngestEnv = {
  WEBHOOK_RELAY_INTERVAL_MS: '200',
  WEBHOOK_REPUBLISH_AFTER_MS: '5000',
  WEBHOOK_ACK_WAIT_MS: '5000',
  WEBHOOK_MAX_DELIVER: '3',
  WEBHOOK_BACKOFF_MS: '100,200',
  WEBHOOK_SECRET_CACHE_TTL_MS: '30000',
};

export async function startWebhookStack(
  options: { ingestEnv?: Record<string, string>; gatewayEnv?: Record<string, string> } = {},
): Promise<WebhookStack> {
  const database = await createTestDatabase('e2e_webhook');
  await runServiceMigrations(webhookDatabase(database.url));
  const nats = await startTestNats();
  const secrets = new FakeSecretsResponder();
  const authConnection = await nats.connectAs('auth-service');
  await secrets.start(authConnection);
  await secrets.startApiKeys(authConnection);
  const server = new URL(database.url);
  const postgresProxy = await startTcpProxy({ host: server.hostname, port: Number(server.port || 5432) });
  const proxied = new URL(database.url);
  proxied.host = `127.0.0.1:${postgresProxy.port}`;
  const ingestEnv = {
    ...nats.envFor('webhook-ingest'),
    DATABASE_URL: proxied.toString(),
    ...fastIngestEnv,
    ...options.ingestEnv,
  };
  const stack: WebhookStack = {
    database,
    nats,
    sql: new pg.Pool({ connectionString: database.url, max: 4 }),
    secrets,
    authConnection,
    ingestEnv,
    postgresProxy,
    ingest: await startService('webhook-ingest', ingestEnv),
    gateway: await startService('gateway', { ...nats.envFor('gateway'), ...options.gatewayEnv }),
    async restartIngest() {
      stack.ingest = await startService('webhook-ingest', ingestEnv);
    },
    async stop() {
      await Promise.all([stack.gateway.stop(), stack.ingest.stop()]);
      if (process.env.WEBHOOK_TEST_LOGS) {
        writeFileSync(`${process.env.WEBHOOK_TEST_LOGS}.ingest.log`, stack.ingest.output());
        writeFileSync(`${process.env.WEBHOOK_TEST_LOGS}.gateway.log`, stack.gateway.output());
      }
      secrets.stop();
      await authConnection.close().catch(() => undefined);
      await stack.sql.end();
      await postgresProxy.close();
      await nats.dispose();
      await database.drop();
    },
  };
  return stack;
}

const b64 = (key: string | Buffer, ...parts: (string | Buffer)[]): string => {
  const mac = createHmac('sha256', key);
  for (const part of parts) mac.update(part);
  return mac.digest('base64');
};

/** Headers a provider would send for `body`, signed with `secret`. */
export const sign = {
  square(secret: string, notificationUrl: string, body: string | Buffer): Record<string, string> {
    return { 'content-type': 'application/json', 'x-square-hmacsha256-signature': b64(secret, notificationUrl, body) };
  },
  shopify(
    secret: string,
    body: string | Buffer,
    ids: { webhookId?: string; eventId?: string; topic?: string } = {},
  ): Record<string, string> {
    return {
      'content-type': 'application/json',
      'x-shopify-hmac-sha256': b64(secret, body),
      'x-shopify-topic': ids.topic ?? 'orders/updated',
      'x-shopify-webhook-id': ids.webhookId ?? randomUUID(),
      'x-shopify-event-id': ids.eventId ?? randomUUID(),
      'x-shopify-triggered-at': new Date().toISOString(),
    };
  },
  standard(
    whsec: string,
    body: string | Buffer,
    id = `msg_${randomUUID().replaceAll('-', '')}`,
    timestamp = Math.floor(Date.now() / 1000),
  ) {
    const key = Buffer.from(whsec.replace(/^whsec_/, ''), 'base64');
    return {
      'content-type': 'application/json',
      'webhook-id': id,
      'webhook-timestamp': String(timestamp),
      'webhook-signature': `v1,${b64(key, `${id}.${timestamp}.`, body)}`,
    };
  },
  jira(secret: string, body: string | Buffer, id = randomUUID()): Record<string, string> {
    return {
      'content-type': 'application/json',
      'x-hub-signature': `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`,
      'x-atlassian-webhook-identifier': id,
    };
  },
};

/** A Square envelope as Square sends it. */
export function squareBody(
  type = 'order.updated',
  eventId = randomUUID(),
  objectId = `ord_${randomUUID().slice(0, 8)}`,
): string {
  return JSON.stringify({
    merchant_id: 'M1',
    type,
    event_id: eventId,
    created_at: new Date().toISOString(),
    data: {
      type: type.split('.')[0],
      id: objectId,
      object: { order_updated: { order_id: objectId, version: 2, state: 'OPEN' } },
    },
  });
}

export interface Answer {
  status: number;
  code?: string;
  body: unknown;
}

export async function post(
  url: string,
  body: string | Buffer,
  headers: Record<string, string> | [string, string][],
): Promise<Answer> {
  const response = await fetch(url, { method: 'POST', headers, body });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // Not JSON: keep the text.
  }
  const code = (parsed as { error?: { code?: string } } | undefined)?.error?.code;
  return { status: response.status, body: parsed, ...(code !== undefined ? { code } : {}) };
}

/** Every canonical event in the stream, as `envelope id → count`. */
/** How many times each canonical event id is in the canonical stream. */
export function canonicalEventCounts(nats: TestNats): Promise<Map<string, number>> {
  return streamCounts(nats, canonicalEventsStream, (message) => (message as { id: string }).id);
}

/** How many times each stored event id is in the stream the outbox relay publishes to (what waits for processing). */
export function receivedEventCounts(nats: TestNats): Promise<Map<string, number>> {
  return streamCounts(nats, webhookReceivedStream, (message) => (message as { eventId: string }).eventId);
}

async function streamCounts(
  nats: TestNats,
  stream: string,
  idOf: (message: unknown) => string,
): Promise<Map<string, number>> {
  const connection = await nats.connectAs('webhook-ingest');
  try {
    const manager = await jetstreamManager(connection);
    const info = await manager.streams.info(stream).catch(() => undefined);
    const counts = new Map<string, number>();
    if (!info || info.state.messages === 0) return counts;
    // Read by sequence: a work-queue stream (WEBHOOK_RECEIVED) refuses the ordered consumer a fetch would need.
    for (let seq = info.state.first_seq; seq <= info.state.last_seq; seq++) {
      const message = await manager.streams.getMessage(stream, { seq }).catch(() => null); // acked and removed since
      if (!message) continue;
      const id = idOf(message.json());
      counts.set(id, (counts.get(id) ?? 0) + 1);
    }
    return counts;
  } finally {
    await connection.close();
  }
}

/**
 * POST with node:http, resolving on the response even when the server answers early and closes mid-upload (413/415):
 * the body goes out in chunks, only if no early answer came, and stops as soon as one arrives.
 */
export function rawPost(url: string, body: Buffer, headers: Record<string, string>): Promise<{ status: number }> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const request = httpRequest(
      url,
      { method: 'POST', headers: { ...headers, 'content-length': String(body.length) } },
      (response) => {
        settled = true;
        response.resume();
        resolve({ status: response.statusCode ?? 0 });
      },
    );
    request.on('error', (error) => {
      if (!settled) setTimeout(() => (settled ? undefined : reject(error)), 2_000);
    });
    void writeUntilAnswered(request, body, () => settled);
  });
}

async function writeUntilAnswered(request: ClientRequest, body: Buffer, answered: () => boolean): Promise<void> {
  request.flushHeaders();
  // A server that judges by Content-Length alone answers before any byte of the body; give it the chance.
  await new Promise((resolve) => {
    const timer = setTimeout(resolve, 500);
    request.once('response', () => {
      clearTimeout(timer);
      resolve(undefined);
    });
  });
  for (let offset = 0; offset < body.length && !answered() && !request.destroyed; offset += 65_536) {
    if (!request.write(body.subarray(offset, offset + 65_536))) {
      await new Promise((resolve) => {
        request.once('drain', resolve);
        request.once('response', resolve);
        request.once('error', resolve);
      });
    }
  }
  if (!answered() && !request.destroyed) request.end();
}
