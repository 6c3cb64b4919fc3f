// Test support: auth-service's token and OAuth services in a Nest context of their own ("medium" tests): the real
// repositories on a migrated database of the test file's own, and a Clock the test moves.
import 'reflect-metadata';
import type { INestApplicationContext } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { runServiceMigrations, serviceDataSourceOptions } from '@shelflink/database';
import { Clock, callLogStoreProvider } from '@shelflink/runtime';
import { createTestDatabase, ManualClock, startServiceContext, type TestDatabase } from '@shelflink/testing';
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AuditRepository } from '../src/audit/audit.repository.js';
import { AuthConfig, authConfigSchema, type AuthConfigValues } from '../src/config/auth.config.js';
import { ConnectionEventsPublisher } from '../src/connection/connection-events.publisher.js';
import { ConnectionRepository } from '../src/connection/connection.repository.js';
import { authDatabase } from '../src/database/auth.database.js';
import { OAuthStateRepository } from '../src/oauth/oauth-state.repository.js';
import { OAuthService } from '../src/oauth/oauth.service.js';
import { ReturnUrlsService } from '../src/tenant/return-urls.service.js';
import { TenantRepository } from '../src/tenant/tenant.repository.js';
import { PostConnectClient } from '../src/oauth/post-connect.client.js';
import { CallLogService } from '../src/call-log/call-log.service.js';
import { ProviderHttpClient } from '../src/provider/provider-http.client.js';
import { ProviderRegistry } from '../src/provider/provider-registry.service.js';
import { TokenExchangeClient } from '../src/provider/token-exchange.client.js';
import { TokenRefreshService } from '../src/token/token-refresh.service.js';
import { TokenService } from '../src/token/token.service.js';
import { CredentialRepository } from '../src/vault/credential.repository.js';
import { VaultService } from '../src/vault/vault.service.js';

/** One auth-service replica: its own singletons (cache, single flight, lease identity) and pool, a shared database. */
export interface AuthReplica {
  readonly app: INestApplicationContext;
  readonly tokens: TokenService;
  readonly refresher: TokenRefreshService;
  readonly oauth: OAuthService;
  readonly connections: ConnectionRepository;
  readonly credentials: CredentialRepository;
  readonly vault: VaultService;
  readonly dataSource: DataSource;
}

export interface AuthServicesHarness {
  readonly database: TestDatabase;
  readonly config: AuthConfigValues;
  readonly clock: ManualClock;
  /** The first replica, started with the harness. */
  readonly replica: AuthReplica;
  /** Another replica on the same database and clock (a second auth-service process). */
  startReplica(): Promise<AuthReplica>;
  /** The stored credential row; `leaseMsLeft` is measured on Postgres's clock, which decides leases. */
  credentialRow(connectionId: string): Promise<CredentialRow>;
  /** Postgres's clock passes the current lease's end (as a holder frozen past its lease would see it). */
  expireLease(connectionId: string): Promise<void>;
  /** The `detail` of every audit row of this event for the connection, oldest first. */
  audited(connectionId: string, event: string): Promise<Record<string, unknown>[]>;
  close(): Promise<void>;
}

export interface CredentialRow {
  version: number;
  secrets: Record<string, string>;
  leaseOwner: string | null;
  leaseMsLeft: number | null;
}

/**
 * Migrates a fresh database with the app's migrations and starts a replica whose provider URLs (`{sandbox}` in
 * providers.sandbox.json) point at `providerUrl`. The clock starts at the wall clock's now, since Postgres's now()
 * still decides leases and connect-session expiry.
 */
export async function startAuthServices(options: {
  prefix: string;
  providerUrl: string;
  env?: Record<string, string>;
}): Promise<AuthServicesHarness> {
  const database = await createTestDatabase(options.prefix);
  await runServiceMigrations(authDatabase(database.url));
  const config = authConfigSchema.parse({
    NATS_URL: 'nats://127.0.0.1:4222',
    NATS_USER: 'unused',
    NATS_PASSWORD: 'unused',
    DATABASE_URL: database.url,
    SHELFLINK_MASTER_KEYS: `k1:${randomBytes(32).toString('base64')}`,
    SHELFLINK_ACTIVE_KEY_ID: 'k1',
    PROVIDERS_CONFIG: 'libs/providers/config/providers.sandbox.json',
    SANDBOX_URL: options.providerUrl,
    AUTH_KEEPALIVE_INTERVAL_MS: '0',
    ...options.env,
  });
  const clock = new ManualClock(Date.now());
  const replicas: AuthReplica[] = [];
  const startReplica = async () => {
    const replica = await startReplicaContext(config, clock);
    replicas.push(replica);
    return replica;
  };
  const replica = await startReplica();
  const sql = <T>(text: string, params: unknown[]) => replica.dataSource.query<T[]>(text, params);
  return {
    database,
    config,
    clock,
    replica,
    startReplica,
    async credentialRow(connectionId) {
      const [row] = await sql<CredentialRow>(
        `SELECT version, secrets, lease_owner AS "leaseOwner",
           (extract(epoch FROM lease_until - now()) * 1000)::float AS "leaseMsLeft"
         FROM auth.credentials WHERE connection_id = $1`,
        [connectionId],
      );
      if (!row) throw new Error(`no credentials for ${connectionId}`);
      return row;
    },
    async expireLease(connectionId) {
      await sql(`UPDATE auth.credentials SET lease_until = now() - interval '1 millisecond' WHERE connection_id = $1`, [
        connectionId,
      ]);
    },
    async audited(connectionId, event) {
      const rows = await sql<{ detail: Record<string, unknown> }>(
        `SELECT detail FROM auth.audit_log WHERE connection_id = $1 AND event = $2 ORDER BY id`,
        [connectionId, event],
      );
      return rows.map((row) => row.detail);
    },
    async close() {
      await Promise.all(replicas.map((r) => r.app.close()));
      await database.drop();
    },
  };
}

async function startReplicaContext(config: AuthConfigValues, clock: Clock): Promise<AuthReplica> {
  const app = await startServiceContext(
    [
      { provide: AuthConfig, useValue: config },
      { provide: Clock, useValue: clock },
      VaultService,
      ProviderRegistry,
      callLogStoreProvider('auth.provider_calls', AuthConfig),
      CallLogService,
      ProviderHttpClient,
      AuditRepository,
      ConnectionEventsPublisher,
      ConnectionRepository,
      CredentialRepository,
      TokenExchangeClient,
      TokenRefreshService,
      TokenService,
      OAuthStateRepository,
      PostConnectClient,
      TenantRepository,
      ReturnUrlsService,
      OAuthService,
    ],
    [TypeOrmModule.forRoot(serviceDataSourceOptions(authDatabase(config.DATABASE_URL, 4)))],
  );
  return {
    app,
    tokens: app.get(TokenService),
    refresher: app.get(TokenRefreshService),
    oauth: app.get(OAuthService),
    connections: app.get(ConnectionRepository),
    credentials: app.get(CredentialRepository),
    vault: app.get(VaultService),
    dataSource: app.get(DataSource),
  };
}
