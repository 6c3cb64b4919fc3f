import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { canonicalEventsStream, recordChangedEnvelope, recordChangedSubjects, subjects } from '@shelflink/contracts';
import { NatsClient, publishDurable } from '@shelflink/messaging';
import { eventually } from '@shelflink/testing';
import { canonicalEnvelope, canonicalEvent, squareMerchant, type TestMerchant } from '../../test/factories.js';
import { startSyncServices, type SyncServices } from '../../test/sync-services.js';
import { RecordEventsPublisher } from '../records/record-events.publisher.js';
import { FollowUpService } from './follow-up.service.js';

// FollowUpService and its consumer on real Postgres, JetStream and the sandbox: one canonical event seen twice
// changes a record, emits its change and queues a run once.
describe('FollowUpService (int)', () => {
  let services: SyncServices;
  let followUps: FollowUpService;
  let watcher: NatsConnection;
  /** records.order.changed.v1 events seen, by external id. */
  const changes = new Map<string, number>();

  const fetchesOf = (merchant: TestMerchant) =>
    services.sandbox.ledger({ provider: 'square', account: merchant.account, endpoint: 'square.orders.batchRetrieve' })
      .length;
  /** Every change published so far has reached the watcher: the publisher's queue, then both connections, flushed. */
  const changesSettled = async () => {
    await services.app.get(RecordEventsPublisher).beforeApplicationShutdown();
    await services.app.get(NatsClient).connection.flush();
    await watcher.flush();
  };
  const storedOrder = async (merchant: TestMerchant, externalId: string) =>
    (
      await services.dataSource.query<{ v: string; synced_at: Date }[]>(
        `SELECT source_version::text AS v, synced_at FROM sync.orders WHERE connection_id = $1 AND external_id = $2`,
        [merchant.connectionId, externalId],
      )
    )[0];

  beforeAll(async () => {
    services = await startSyncServices();
    followUps = services.app.get(FollowUpService);
    watcher = await services.nats.connectAs('operator');
    watcher.subscribe(recordChangedSubjects.orders, {
      callback: (_error, message) => {
        const { externalId } = recordChangedEnvelope.parse(message.json()).payload;
        changes.set(externalId, (changes.get(externalId) ?? 0) + 1);
      },
    });
  });

  afterAll(async () => {
    await watcher?.close();
    await services?.close();
  });

  it('an order.changed event handled twice (a redelivery) stores the order and emits its change once', async () => {
    const merchant = await squareMerchant(services.sandbox, services.auth);
    const event = canonicalEvent(merchant);
    const externalId = event.externalId ?? '';
    expect(await followUps.handle(event)).toBe('applied');
    const first = await storedOrder(merchant, externalId);
    expect(first?.v).toMatch(/^\d+$/);
    expect(await followUps.handle(event)).toBe('applied');
    await changesSettled();
    expect(changes.get(externalId)).toBe(1);
    expect(await storedOrder(merchant, externalId)).toEqual(first);
  });

  it('an event published twice under one id (webhook-ingest republishing it) is fetched and applied once', async () => {
    const merchant = await squareMerchant(services.sandbox, services.auth);
    const envelope = canonicalEnvelope(canonicalEvent(merchant, { externalId: merchant.orderIds[1] }));
    const externalId = envelope.payload.externalId ?? '';
    const first = await publishDurable(services.webhookIngest, subjects.canonicalEvents, envelope, envelope.id);
    const again = await publishDurable(services.webhookIngest, subjects.canonicalEvents, envelope, envelope.id);
    expect(again).toEqual({ duplicate: true, seq: first.seq });
    // Consumed: acknowledged by sync-service's durable, and nothing waits for a redelivery.
    const manager = await jetstreamManager(services.webhookIngest);
    await eventually(async () => {
      const info = await manager.consumers.info(canonicalEventsStream, 'sync-service').catch(() => undefined);
      return !!info && info.ack_floor.stream_seq >= first.seq && info.num_ack_pending === 0 && info.num_pending === 0;
    });
    await changesSettled();
    expect(fetchesOf(merchant)).toBe(1);
    expect(changes.get(externalId)).toBe(1);
    expect((await storedOrder(merchant, externalId))?.v).toMatch(/^\d+$/);
  });

  it('the same product.changed event twice at once queues one incremental run of the stream', async () => {
    const merchant = await squareMerchant(services.sandbox, services.auth);
    const event = canonicalEvent(merchant, { kind: 'product.changed', providerEventType: 'catalog.version.updated' });
    expect(await Promise.all([followUps.handle(event), followUps.handle(event)])).toEqual(['applied', 'applied']);
    const runs = () =>
      services.dataSource.query<{ stream: string; mode: string; status: string }[]>(
        `SELECT stream, mode, status FROM sync.runs WHERE connection_id = $1 AND trigger = 'event'`,
        [merchant.connectionId],
      );
    expect((await runs()).map((run) => [run.stream, run.mode])).toEqual([['products', 'incremental']]);
    await eventually(async () => (await runs())[0]?.status === 'succeeded');
  });
});
