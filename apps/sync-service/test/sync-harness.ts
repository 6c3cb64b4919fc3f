// Test support: sync-service's Nest context on a database and nats-server of the test's own, a fake auth-service
// and an in-process sandbox.
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext } from '@nestjs/common';
import type { SyncRunView } from '@shelflink/contracts';
import { runServiceMigrations } from '@shelflink/database';
import { startSandbox, type RunningSandbox, type SandboxOptions } from '@shelflink/sandbox';
import { createTestDatabase, eventually, startTestNats, type TestDatabase, type TestNats } from '@shelflink/testing';
import { DataSource } from 'typeorm';
import { SyncAppModule } from '../src/app.module.js';
import { syncConfigSchema } from '../src/config/sync.config.js';
import { syncDatabase } from '../src/database/sync.database.js';
import { SyncRunService } from '../src/sync-run/sync-run.service.js';
import { squareConnection, startFakeAuth, type FakeAuth } from './fake-auth.responder.js';
import { mintSquareToken, SHOPIFY_APP, SQUARE_APP } from './sandbox-accounts.js';

export interface SyncHarness {
  database: TestDatabase;
  nats: TestNats;
  sandbox: RunningSandbox;
  auth: FakeAuth;
  app: INestApplicationContext;
  runs: SyncRunService;
  dataSource: DataSource;
  /** Starts runs and waits until every one has finished. */
  syncNow(
    tenantId: string,
    connectionId: string,
    options?: { streams?: SyncRunView['stream'][]; mode?: 'incremental' | 'full'; waitMs?: number },
  ): Promise<SyncRunView[]>;
  close(): Promise<void>;
}

export async function startSyncHarness(
  options: { sandbox?: SandboxOptions; env?: Record<string, string> } = {},
): Promise<SyncHarness> {
  const database = await createTestDatabase('sync_int');
  await runServiceMigrations(syncDatabase(database.url));
  const nats = await startTestNats();
  const sandbox = await startSandbox({ ...options.sandbox, config: { apps: [SQUARE_APP, SHOPIFY_APP], accounts: [] } });
  const auth = startFakeAuth(await nats.connectAs('auth-service'));
  const config = syncConfigSchema.parse({
    ...nats.envFor('sync-service'),
    DATABASE_URL: database.url,
    SANDBOX_URL: sandbox.url,
    PROVIDERS_CONFIG: 'libs/providers/config/providers.sandbox.json',
    SYNC_SCHEDULER_TICK_MS: '3600000',
    SYNC_RETRY_BASE_MS: '20',
    SYNC_RETRY_MAX_DELAY_MS: '200',
    SYNC_BREAKER_RESET_MS: '1000',
    SYNC_RATE_LIMITS: JSON.stringify({
      square: { capacity: 200, refillPerSecond: 200 },
      shopify: { capacity: 40, refillPerSecond: 2 },
    }),
    ...options.env,
  });
  const app = await NestFactory.createApplicationContext(SyncAppModule.register(config), { logger: ['error', 'warn'] });
  await app.init();
  const runs = app.get(SyncRunService);
  const dataSource = app.get(DataSource);
  return {
    database,
    nats,
    sandbox,
    auth,
    app,
    runs,
    dataSource,
    async syncNow(tenantId, connectionId, syncOptions = {}) {
      const started = await runs.start({
        tenantId,
        connectionId,
        streams: syncOptions.streams,
        mode: syncOptions.mode ?? 'incremental',
      });
      let finished: SyncRunView[] = [];
      let lastError: unknown;
      await eventually(
        async () => {
          // A listing that times out on a loaded box is asked again; the last such error explains a timeout.
          const listed = await runs.list({ tenantId, connectionId, limit: 200 }).catch((error: unknown) => {
            lastError = error;
            return undefined;
          });
          if (!listed) return false;
          finished = started.map((run) => listed.runs.find((r) => r.id === run.id) ?? run);
          return finished.every((run) => run.status === 'succeeded' || run.status === 'failed');
        },
        syncOptions.waitMs ?? 100_000,
        50,
      ).catch((error: unknown) => {
        throw lastError === undefined
          ? error
          : new Error(
              `${String(error)}; last listing error: ${lastError instanceof Error ? lastError.message : 'unknown'}`,
            );
      });
      return finished;
    },
    async close() {
      await app.close();
      await auth.close().catch(() => undefined);
      await sandbox.close();
      await nats.dispose();
      await database.drop();
    },
  };
}

/** Registers a Square merchant in the sandbox and its connection `conn-<merchant>` with the fake auth-service. */
export async function connectSquareMerchant(
  harness: SyncHarness,
  tenantId: string,
  merchant: { account: string; locations: number; products: number; orders: number },
): Promise<string> {
  harness.sandbox.registerAccount({ provider: 'square', ...merchant });
  const token = await mintSquareToken(harness.sandbox.url, merchant.account);
  const connectionId = `conn-${merchant.account}`;
  harness.auth.connections.set(connectionId, squareConnection(connectionId, tenantId, merchant.account, token));
  return connectionId;
}
