import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { mintSquareToken } from '../apps/sync-service/test/sandbox-accounts.js';
import { startSandbox, type RunningSandbox } from '@shelflink/sandbox';
import {
  createTestDatabase,
  freePort,
  migrateAll,
  startService,
  startTestNats,
  type ServiceProcess,
  type TestDatabase,
  type TestNats,
} from '@shelflink/testing';

/** Unique canary strings seeded as secrets; none may ever appear outside a token reply. */
export const canaries = {
  squareClientSecret: `canary-square-secret-${randomBytes(6).toString('hex')}`,
  staticToken: `canary-static-token-${randomBytes(6).toString('hex')}`,
  webhookSecret: `canary-webhook-secret-${randomBytes(6).toString('hex')}`,
  apiKeyPassword: `canary-plytix-password-${randomBytes(6).toString('hex')}`,
  masterKey: randomBytes(32).toString('base64'),
};

/** The JSON shapes these tests read (replies of the gateway and of auth-service); a field may be absent at runtime. */
export interface Reply {
  id: string;
  connectionId: string;
  tenantId: string;
  provider: string;
  alias: string;
  status: string;
  result: string;
  authMode: string;
  metadata: Record<string, unknown>;
  connections: { id: string; alias: string }[];
  authorizeUrl: string;
  apiKey: string;
  keyId: string;
  created: boolean;
  accessToken: string;
  tokenType: string;
  expiresAt: string | null;
  headers: Record<string, string>;
  ok: boolean;
  scheme: string;
  secrets: string[];
  notificationUrl: string;
  activeKeyId: string;
  rowsByKey: Record<string, number>;
  cleared: number;
  entries: { id: string; event: string; actor: string; detail: Record<string, unknown>; createdAt: string }[];
  nextBefore: string | null;
  error: { code: string; message: string; requestId?: string };
}

/** Postgres for assertions; row values are unknown until a test narrows them. */
export interface Sql {
  query<T extends Record<string, unknown> = Record<string, unknown>>(
    text: string,
    params?: unknown[],
  ): Promise<{ rows: T[] }>;
  end(): Promise<void>;
}

export interface HttpReply {
  status: number;
  body: Reply;
}

export interface AuthStack {
  database: TestDatabase;
  nats: TestNats;
  sandbox: RunningSandbox;
  gateway: ServiceProcess;
  auths: ServiceProcess[];
  tenantId: string;
  apiKey: string;
  authEnv: Record<string, string>;
  sql: Sql;
  /** Everything the gateway answered over HTTP, for the canary check. */
  responses: string[];
  admin(method: string, path: string, body?: unknown, apiKey?: string): Promise<HttpReply>;
  startAuth(extraEnv?: Record<string, string>): Promise<ServiceProcess>;
  close(): Promise<void>;
}

export function generateTestApiKey(): string {
  return `slk_${randomBytes(32).toString('base64url')}`;
}

/** Postgres, nats-server (repo permissions), the sandbox, N auth-service processes and the gateway. */
export async function startAuthStack(options: {
  prefix: string;
  replicas?: number;
  env?: Record<string, string>;
  /** More of the sandbox's Square app config (its configured webhook subscriptions). */
  squareApp?: Partial<Parameters<RunningSandbox['registerApp']>[0]>;
}): Promise<AuthStack> {
  const database = await createTestDatabase(options.prefix);
  migrateAll(database.url);
  const nats = await startTestNats();
  const sandbox = await startSandbox({ port: 0, dataset: { locations: 2, products: 5, orders: 5 } });
  sandbox.registerApp({
    provider: 'square',
    clientId: 'sandbox-square-client',
    clientSecret: canaries.squareClientSecret,
    personalAccessToken: 'sandbox-square-personal-access-token',
    ...options.squareApp,
  });
  sandbox.registerApp({
    provider: 'shopify',
    clientId: 'sandbox-shopify-client',
    clientSecret: 'sandbox-shopify-secret',
  });
  sandbox.registerApp({ provider: 'oauth2', clientId: 'sandbox-oauth-client', clientSecret: 'sandbox-oauth-secret' });
  sandbox.registerApp({ provider: 'plytix', clientId: 'plytix-key', clientSecret: canaries.apiKeyPassword });
  const configDir = mkdtempSync(join(tmpdir(), 'shelflink-auth-'));
  const providers = JSON.parse(readFileSync('libs/providers/config/providers.sandbox.json', 'utf8')) as {
    providers: Record<string, Record<string, unknown>>;
  };
  (providers.providers.square as Record<string, unknown>).clientSecret = { env: 'SQUARE_CLIENT_SECRET' };
  const providersPath = join(configDir, 'providers.json');
  writeFileSync(providersPath, JSON.stringify(providers));
  const gatewayPort = await freePort();
  const gatewayUrl = `http://127.0.0.1:${gatewayPort}`;
  const tenantId = `tenant_${randomBytes(3).toString('hex')}`;
  const apiKey = generateTestApiKey();
  const authEnv: Record<string, string> = {
    ...nats.envFor('auth-service'),
    DATABASE_URL: database.url,
    SHELFLINK_MASTER_KEYS: `k1:${canaries.masterKey}`,
    SHELFLINK_ACTIVE_KEY_ID: 'k1',
    PROVIDERS_CONFIG: providersPath,
    SQUARE_CLIENT_SECRET: canaries.squareClientSecret,
    SANDBOX_URL: sandbox.url,
    PUBLIC_BASE_URL: gatewayUrl,
    SHELFLINK_BOOTSTRAP_TENANT_ID: tenantId,
    SHELFLINK_BOOTSTRAP_API_KEY: apiKey,
    SHELFLINK_SHOPIFY_INSTALL_TENANT: tenantId,
    LOG_LEVEL: 'debug',
    ...options.env,
  };
  const auths: ServiceProcess[] = [];
  const startAuth = async (extraEnv: Record<string, string> = {}) => {
    const service = await startService('auth-service', { ...authEnv, ...extraEnv });
    auths.push(service);
    return service;
  };
  for (let i = 0; i < (options.replicas ?? 1); i++) await startAuth();
  const gateway = await startService('gateway', {
    ...nats.envFor('gateway'),
    HTTP_PORT: String(gatewayPort),
    LOG_LEVEL: 'debug',
  });
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  const sql = client as unknown as Sql;
  const responses: string[] = [];
  return {
    database,
    nats,
    sandbox,
    gateway,
    auths,
    tenantId,
    apiKey,
    authEnv,
    sql,
    responses,
    startAuth,
    async admin(method, path, body, key = apiKey) {
      const response = await fetch(`${gatewayUrl}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${key}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await response.text();
      responses.push(text);
      return { status: response.status, body: (text === '' ? {} : JSON.parse(text)) as Reply };
    },
    async close() {
      await sql.end().catch(() => undefined);
      await Promise.all([gateway, ...auths].map((service) => service.stop()));
      await sandbox.close();
      await nats.dispose();
      await database.drop();
      rmSync(configDir, { recursive: true, force: true });
    },
  };
}

/** A NetSuite TBA connection of the stack's tenant on sandbox account `account` (app and token registered there). */
export function createNetSuiteConnection(
  stack: AuthStack,
  account: string,
  sizes: { locations?: number; products?: number; orders?: number } = {},
): Promise<HttpReply> {
  stack.sandbox.registerApp({ provider: 'netsuite', clientId: 'ns-consumer', clientSecret: 'ns-consumer-secret' });
  stack.sandbox.registerAccount({
    provider: 'netsuite',
    account,
    ...sizes,
    tbaTokens: [{ tokenId: 'ns-token', tokenSecret: 'ns-token-secret' }],
  });
  return stack.admin('POST', '/api/v1/connections', {
    provider: 'netsuite',
    credentials: {
      type: 'tba',
      consumerKey: 'ns-consumer',
      consumerSecret: 'ns-consumer-secret',
      tokenId: 'ns-token',
      tokenSecret: 'ns-token-secret',
    },
    metadata: { accountId: account },
  });
}

/** Follows the sandbox's authorize redirect and calls the gateway's callback; returns the callback response. */
export async function completeOAuth(
  stack: AuthStack,
  authorizeUrl: string,
  tamper?: (callback: URL) => void,
): Promise<HttpReply> {
  const authorize = await fetch(authorizeUrl, { redirect: 'manual' });
  const location = authorize.headers.get('location');
  if (!location) throw new Error(`authorize answered ${authorize.status} without a redirect`);
  const callback = new URL(location);
  tamper?.(callback);
  return callbackRaw(stack, callback.toString());
}

export async function callbackRaw(stack: AuthStack, url: string): Promise<HttpReply> {
  const response = await fetch(url);
  const text = await response.text();
  stack.responses.push(text);
  return { status: response.status, body: JSON.parse(text) as Reply };
}

/** Every byte the services printed; used by the canary check. */
export function allOutput(stack: AuthStack): string {
  return [stack.gateway, ...stack.auths].map((service) => service.output()).join('\n');
}

/** Connects a sandbox Square merchant through the admin API with a freshly minted token; returns the connection id. */
export async function connectSquareMerchant(stack: AuthStack, merchant: string, alias: string): Promise<string> {
  const created = await stack.admin('POST', '/api/v1/connections', {
    provider: 'square',
    alias,
    credentials: { type: 'access-token', accessToken: await mintSquareToken(stack.sandbox.url, merchant) },
    metadata: { merchantId: merchant },
  });
  if (created.status !== 201) throw new Error(`connecting ${merchant}: ${created.status}`);
  return (created.body as unknown as { id: string }).id;
}

/** sync-service's environment on the stack (its NATS user, database, the sandbox's providers) plus `extra`. */
export function syncServiceEnv(stack: AuthStack, extra: Record<string, string> = {}): Record<string, string> {
  return {
    ...stack.nats.envFor('sync-service'),
    DATABASE_URL: stack.database.url,
    SANDBOX_URL: stack.sandbox.url,
    PROVIDERS_CONFIG: 'libs/providers/config/providers.sandbox.json',
    ...extra,
  };
}
