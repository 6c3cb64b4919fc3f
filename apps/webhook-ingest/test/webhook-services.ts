// Test support: webhook-ingest's intake and outbox classes in a Nest context of their own, on a database with the app's
// migrations and a nats-server of the test file's own, with a ManualClock and a stand-in for auth-service's secrets.
import type { Type } from '@nestjs/common';
import { runServiceMigrations, serviceDataSourceOptions } from '@shelflink/database';
import { NatsClient } from '@shelflink/messaging';
import { Clock, natsSettingsFrom } from '@shelflink/runtime';
import {
  createTestDatabase,
  startServiceContext,
  ManualClock,
  startTcpProxy,
  startTestNats,
  type TcpProxy,
  type TestDatabase,
  type TestNats,
} from '@shelflink/testing';
import type { NatsConnection } from '@nats-io/transport-node';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { FakeSecretsResponder, receivedEventCounts } from '../../../test/webhook-harness.js';
import { WebhookConfig, type WebhookConfigValues } from '../src/config/webhook.config.js';
import { webhookDatabase } from '../src/database/webhook.database.js';
import { IntakeActivity } from '../src/intake-activity/intake-activity.service.js';
import { IntakeService } from '../src/intake/intake.service.js';
import { WebhookRoutesCache } from '../src/intake/webhook-routes.cache.js';
import { WebhookSecretsCache } from '../src/intake/webhook-secrets.cache.js';
import { ensureEventStreams } from '../src/processing/event-streams.js';
import { OutboxRelay } from '../src/outbox/outbox-relay.service.js';
import { ReceivedEventRepository } from '../src/received-event/received-event.repository.js';
import { RetentionService } from '../src/retention/retention.service.js';
import { UnroutableEventRepository } from '../src/unroutable/unroutable-event.repository.js';
import { webhookOutboxTotal } from '../src/metrics/webhook.metrics.js';
import { webhookConfig, type TestConnection } from './factories.js';

export interface WebhookServices {
  readonly clock: ManualClock;
  readonly config: WebhookConfigValues;
  readonly nats: TestNats;
  readonly natsClient: NatsClient;
  /** Straight to the test database (not through the proxy): what is committed. */
  readonly sql: pg.Pool;
  /** The services reach Postgres through this proxy, so a test can take the database away from them. */
  readonly postgres: TcpProxy;
  readonly secrets: FakeSecretsResponder;
  get<T>(type: Type<T>): T;
  connect(connection: TestConnection): void;
  /** How many times each stored event id is in the stream processing reads (JetStream drops a republish by id). */
  publishedCounts(): Promise<Map<string, number>>;
  /** Publishes the relays of this test file have made so far (including those JetStream dropped as duplicates). */
  relayPublishes(): Promise<number>;
  close(): Promise<void>;
}

export async function startWebhookServices(overrides: Partial<WebhookConfigValues> = {}): Promise<WebhookServices> {
  const database: TestDatabase = await createTestDatabase('int_webhook_svc');
  await runServiceMigrations(webhookDatabase(database.url));
  const nats = await startTestNats();
  const authConnection: NatsConnection = await nats.connectAs('auth-service');
  const secrets = new FakeSecretsResponder();
  await secrets.start(authConnection);
  const server = new URL(database.url);
  const postgres = await startTcpProxy({ host: server.hostname, port: Number(server.port || 5432) });
  const proxied = new URL(database.url);
  proxied.host = `127.0.0.1:${postgres.port}`;
  const config = webhookConfig({ ...nats.envFor('webhook-ingest'), DATABASE_URL: proxied.toString() }, overrides);
  const dataSource = new DataSource(serviceDataSourceOptions(webhookDatabase(config.DATABASE_URL, 10)));
  await dataSource.initialize();
  const natsClient = await NatsClient.connect('webhook-ingest', natsSettingsFrom(config));
  await ensureEventStreams(natsClient);
  const clock = new ManualClock(Date.now());
  const app = await startServiceContext([
    { provide: WebhookConfig, useValue: config },
    { provide: Clock, useValue: clock },
    { provide: DataSource, useValue: dataSource },
    { provide: NatsClient, useValue: natsClient },
    ReceivedEventRepository,
    UnroutableEventRepository,
    WebhookSecretsCache,
    WebhookRoutesCache,
    IntakeActivity,
    IntakeService,
    OutboxRelay,
    RetentionService,
  ]);
  const sql = new pg.Pool({ connectionString: database.url, max: 2 });
  return {
    clock,
    config,
    nats,
    natsClient,
    sql,
    postgres,
    secrets,
    get: (type) => app.get(type),
    connect: (connection) => secrets.set(connection.connectionId, connection.secrets),
    publishedCounts: () => receivedEventCounts(nats),
    relayPublishes: async () =>
      (await webhookOutboxTotal.get()).values.find((value) => value.labels.result === 'published')?.value ?? 0,
    async close() {
      await app.get(OutboxRelay).stop();
      await app.close();
      await natsClient.onApplicationShutdown();
      await dataSource.destroy();
      secrets.stop();
      await authConnection.close().catch(() => undefined);
      await sql.end();
      await postgres.close();
      await nats.dispose();
      await database.drop();
    },
  };
}
