// Test support: sync-service's follow-up path (consumer, FollowUpService, pullers, records, runs) in a Nest context
// of its own, built from the classes, on a database with the app's migrations, a nats-server of the test file's own,
// a fake auth-service and an in-process sandbox.
import type { INestApplicationContext } from '@nestjs/common';
import { canonicalEventsStream, subjects } from '@shelflink/contracts';
import { runServiceMigrations, serviceDataSourceOptions } from '@shelflink/database';
import { AlertPublisher, ensureStream, NatsClient } from '@shelflink/messaging';
import { Clock, natsSettingsFrom, callLogStoreProvider } from '@shelflink/runtime';
import { startSandbox, type RunningSandbox } from '@shelflink/sandbox';
import {
  createTestDatabase,
  startServiceContext,
  startTestNats,
  type TestDatabase,
  type TestNats,
} from '@shelflink/testing';
import type { NatsConnection } from '@nats-io/transport-node';
import { DataSource } from 'typeorm';
import { CallLogService } from '../src/call-log/call-log.service.js';
import { CheckpointRepository } from '../src/checkpoint/checkpoint.repository.js';
import { SyncConfig, type SyncConfigValues } from '../src/config/sync.config.js';
import { syncDatabase } from '../src/database/sync.database.js';
import { CanonicalEventConsumer } from '../src/follow-up/canonical-event.consumer.js';
import { FollowUpService } from '../src/follow-up/follow-up.service.js';
import { AccountResolver } from '../src/provider/account.resolver.js';
import { ConnectionDirectory } from '../src/provider/connection-directory.service.js';
import { ProviderCatalog } from '../src/provider/provider-catalog.service.js';
import { ProviderGuards } from '../src/provider/provider-guards.service.js';
import { ProviderHttpClient } from '../src/provider/provider-http.client.js';
import { PullerRegistry } from '../src/pullers/puller.registry.js';
import { ShopifyPuller } from '../src/pullers/shopify.puller.js';
import { SquarePuller } from '../src/pullers/square.puller.js';
import { FeedOutboxRepository } from '../src/records/feed-outbox.repository.js';
import { FeedStreams } from '../src/records/feed-streams.service.js';
import { FeedRelay } from '../src/records/feed.relay.js';
import { RecordEventsPublisher } from '../src/records/record-events.publisher.js';
import { RecordsRepository } from '../src/records/records.repository.js';
import { ProductIdentityLinker } from '../src/identity/product-identity-linker.service.js';
import { NetSuitePuller } from '../src/pullers/netsuite.puller.js';
import { PlytixPuller } from '../src/pullers/plytix.puller.js';
import { ScheduleRepository } from '../src/schedule/schedule.repository.js';
import { PageCommitter } from '../src/sync-run/page.committer.js';
import { SyncRunExecutor } from '../src/sync-run/sync-run.executor.js';
import { SyncRunQueue } from '../src/sync-run/sync-run.queue.js';
import { SyncRunRepository } from '../src/sync-run/sync-run.repository.js';
import { SyncRunService } from '../src/sync-run/sync-run.service.js';
import { startFakeAuth, type FakeAuth } from './fake-auth.responder.js';
import { syncConfig } from './factories.js';
import { SHOPIFY_APP, SQUARE_APP } from './sandbox-accounts.js';

export interface SyncServices {
  readonly app: INestApplicationContext;
  readonly config: SyncConfigValues;
  readonly nats: TestNats;
  readonly sandbox: RunningSandbox;
  readonly auth: FakeAuth;
  readonly dataSource: DataSource;
  /** webhook-ingest's side of the bus: it owns the canonical stream and publishes to it. */
  readonly webhookIngest: NatsConnection;
  close(): Promise<void>;
}

export async function startSyncServices(): Promise<SyncServices> {
  const database: TestDatabase = await createTestDatabase('int_sync_svc');
  await runServiceMigrations(syncDatabase(database.url));
  const nats = await startTestNats();
  const sandbox = await startSandbox({ config: { apps: [SQUARE_APP, SHOPIFY_APP], accounts: [] } });
  const auth = startFakeAuth(await nats.connectAs('auth-service'));
  const webhookIngest = await nats.connectAs('webhook-ingest');
  // As in production, the stream exists before sync-service's consumer binds to it.
  await ensureStream(webhookIngest, {
    name: canonicalEventsStream,
    subjects: [subjects.canonicalEvents],
    retention: 'limits',
  });
  const config = syncConfig({ ...nats.envFor('sync-service'), DATABASE_URL: database.url, SANDBOX_URL: sandbox.url });
  const dataSource = new DataSource(serviceDataSourceOptions(syncDatabase(database.url, 10)));
  await dataSource.initialize();
  const natsClient = await NatsClient.connect('sync-service', natsSettingsFrom(config));
  const app = await startServiceContext([
    { provide: SyncConfig, useValue: config },
    { provide: DataSource, useValue: dataSource },
    { provide: NatsClient, useValue: natsClient },
    { provide: AlertPublisher, useValue: new AlertPublisher(natsClient.connection, 'sync-service') },
    Clock,
    ProviderCatalog,
    ConnectionDirectory,
    AccountResolver,
    ProviderGuards,
    callLogStoreProvider('sync.provider_calls', SyncConfig),
    CallLogService,
    ProviderHttpClient,
    SquarePuller,
    ShopifyPuller,
    NetSuitePuller,
    PlytixPuller,
    PullerRegistry,
    FeedOutboxRepository,
    FeedStreams,
    FeedRelay,
    ProductIdentityLinker,
    RecordsRepository,
    RecordEventsPublisher,
    CheckpointRepository,
    SyncRunRepository,
    ScheduleRepository,
    PageCommitter,
    SyncRunExecutor,
    SyncRunQueue,
    SyncRunService,
    FollowUpService,
    CanonicalEventConsumer,
  ]);
  return {
    app,
    config,
    nats,
    sandbox,
    auth,
    dataSource,
    webhookIngest,
    async close() {
      await app.close();
      await natsClient.onApplicationShutdown();
      await dataSource.destroy();
      await webhookIngest.close();
      await auth.close().catch(() => undefined);
      await sandbox.close();
      await nats.dispose();
      await database.drop();
    },
  };
}
