import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { feedStreamFor, tenantFeedStream, type RecordFeedEnvelope } from '@shelflink/contracts';
import { runServiceMigrations, serviceDataSourceOptions, sqlRows } from '@shelflink/database';
import { NatsClient, publishDurable, publishDurableBatch } from '@shelflink/messaging';
import { Clock, natsSettingsFrom } from '@shelflink/runtime';
import {
  createTestDatabase,
  eventually,
  startTestNats,
  streamMessages,
  type TestDatabase,
  type TestNats,
} from '@shelflink/testing';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { syncConfig } from '../../test/factories.js';
import { syncDatabase } from '../database/sync.database.js';
import { ProductIdentityLinker } from '../identity/product-identity-linker.service.js';
import type { CanonicalRecord } from '../pullers/puller.port.js';
import { ConnectionRedaction } from './connection-redaction.service.js';
import { FeedErasure } from './feed-erasure.service.js';
import { feedMessage, FeedOutboxRepository, type FeedMessage } from './feed-outbox.repository.js';
import { FeedStreams } from './feed-streams.service.js';
import { FeedRelay } from './feed.relay.js';
import { RecordsRepository, type RecordSource } from './records.repository.js';

const TENANT = 't1';
const OTHER_TENANT = 't2';
const SHOP = 'conn-shop';
const KEPT = 'conn-kept';

/** A change of `connectionId` as the relay publishes it (with the connection header). */
function change(tenantId: string, connectionId: string, n: number): FeedMessage {
  const head = {
    id: randomUUID(),
    connectionId,
    provider: 'shopify',
    externalId: `P${n}`,
    sourceVersion: '1',
    sourceUpdatedAt: null,
    deletedAt: null,
    syncedAt: '2026-01-03T00:00:00.000Z',
  };
  return feedMessage(randomUUID(), tenantId, 'products', { head, dataJson: `{"title":"P${n}"}` }, head.syncedAt);
}

function product(n: number): CanonicalRecord {
  const title = `Product ${n}`;
  return {
    externalId: `P${n}`,
    sourceVersion: '1',
    sourceUpdatedAt: null,
    deleted: false,
    columns: { title },
    data: {},
  };
}

// A shop's redaction on real Postgres and a real nats-server with the repo's permissions, as sync-service's user: its
// records and unpublished outbox rows go, and its feed messages are erased from the tenant's stream and from a consumer
// service's stream copying it (more than a page of them, some published before the connection header existed);
// another connection's and another tenant's stay. A second redaction erases nothing more.
describe('ConnectionRedaction (int)', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  let nats: TestNats;
  let client: NatsClient;
  let manager: JetStreamManager;
  let records: RecordsRepository;
  let redaction: ConnectionRedaction;
  const serviceStream = feedStreamFor('stock-watcher');

  const connectionsIn = async (stream: string, tenantId = TENANT) =>
    (await streamMessages<RecordFeedEnvelope>(client.connection, stream))
      .filter((message) => message.payload.tenantId === tenantId)
      .map((message) => message.payload.connectionId);
  const count = (ids: string[], connectionId: string) => ids.filter((id) => id === connectionId).length;
  const outboxRowsOf = async (connectionId: string) => {
    const [row] = await sqlRows<{ n: number }>(
      dataSource,
      `SELECT count(*)::int AS n FROM sync.record_feed_outbox o
       WHERE EXISTS (SELECT 1 FROM sync.products p WHERE p.id = ANY(o.record_ids) AND p.connection_id = $1)`,
      [connectionId],
    );
    return row?.n ?? 0;
  };
  const productsOf = async (connectionId: string) =>
    (await sqlRows(dataSource, `SELECT id FROM sync.products WHERE connection_id = $1`, [connectionId])).length;

  beforeAll(async () => {
    database = await createTestDatabase('int_sync_redaction');
    await runServiceMigrations(syncDatabase(database.url));
    dataSource = new DataSource(serviceDataSourceOptions(syncDatabase(database.url, 4)));
    await dataSource.initialize();
    nats = await startTestNats();
    const config = syncConfig({ ...nats.envFor('sync-service'), DATABASE_URL: database.url });
    client = await NatsClient.connect('sync-service', natsSettingsFrom(config));
    manager = await jetstreamManager(client.connection);
    const outbox = new FeedOutboxRepository(dataSource, new Clock());
    records = new RecordsRepository(dataSource, outbox, new ProductIdentityLinker());
    const streams = new FeedStreams(client, config);
    const relay = new FeedRelay(client, outbox, records, streams, config);
    redaction = new ConnectionRedaction(records, relay, new FeedErasure(client, streams));
    await streams.apply({
      name: 'stock-watcher',
      tenants: [TENANT, OTHER_TENANT],
      providers: [],
      connections: [],
      removed: false,
    });
  });

  afterAll(async () => {
    await client?.onApplicationShutdown();
    await nats?.dispose();
    await dataSource?.destroy();
    await database?.drop();
  });

  it("erases the shop's records, outbox rows and feed messages from both streams, and nothing else", async () => {
    // Records of both connections, their changes still in the outbox (no relay runs here).
    for (const connectionId of [SHOP, KEPT]) {
      const source: RecordSource = { tenantId: TENANT, connectionId, provider: 'shopify' };
      await dataSource.transaction((m) => records.upsertBatch(m, 'products', source, [product(1), product(2)]));
    }
    expect(await outboxRowsOf(SHOP)).toBe(1);
    // 660 changes of the shop and 330 of the other connection, interleaved, over two pages of the scan.
    const published = Array.from({ length: 990 }, (_, n) => change(TENANT, n % 3 === 2 ? KEPT : SHOP, n));
    // The same connection id in another tenant is another tenant's business.
    published.push(...Array.from({ length: 20 }, (_, n) => change(OTHER_TENANT, SHOP, n)));
    expect((await publishDurableBatch(client.connection, '_INBOX_sync_service', published)).every(Boolean)).toBe(true);
    // Published before the connection header existed: the connection is only in the payload.
    for (const connectionId of [SHOP, KEPT]) {
      const { id, subject, body } = change(TENANT, connectionId, 0);
      await publishDurable(client.connection, subject, JSON.parse(body), id);
    }
    const total = 990 + 20 + 2;
    await eventually(async () => (await manager.streams.info(serviceStream)).state.messages === total, 10_000, 50);

    await expect(redaction.redact(TENANT, SHOP)).resolves.toEqual({ deleted: 2, feedMessages: 2 * 661 });

    for (const stream of [tenantFeedStream(TENANT), serviceStream]) {
      const left = await connectionsIn(stream);
      expect(count(left, SHOP)).toBe(0);
      expect(count(left, KEPT)).toBe(331);
      expect((await manager.streams.info(stream)).state.consumer_count).toBe(0);
    }
    expect(await connectionsIn(serviceStream, OTHER_TENANT)).toHaveLength(20);
    expect(await connectionsIn(tenantFeedStream(OTHER_TENANT), OTHER_TENANT)).toHaveLength(20);
    expect([await productsOf(SHOP), await productsOf(KEPT)]).toEqual([0, 2]);
    expect(await outboxRowsOf(KEPT)).toBe(1);
    const [outbox] = await sqlRows<{ n: number }>(dataSource, 'SELECT count(*)::int AS n FROM sync.record_feed_outbox');
    expect(outbox?.n).toBe(1);

    // Shopify may send shop/redact again: nothing more to erase, and it still succeeds.
    await expect(redaction.redact(TENANT, SHOP)).resolves.toEqual({ deleted: 0, feedMessages: 0 });
    expect(count(await connectionsIn(serviceStream), KEPT)).toBe(331);
  });
});
