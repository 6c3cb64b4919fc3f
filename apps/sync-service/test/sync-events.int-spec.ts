import {
  canonicalEventsStream,
  recordChangedEnvelope,
  subjects,
  type CanonicalEventPayload,
  type Envelope,
  type RecordChangedPayload,
} from '@shelflink/contracts';
import { ensureStream, publishDurable } from '@shelflink/messaging';
import { eventually } from '@shelflink/testing';
import type { NatsConnection } from '@nats-io/transport-node';
import { ScheduleService } from '../src/scheduler/schedule.service.js';
import { exportEntity, mintSquareToken, mutateOrders } from './sandbox-accounts.js';
import { squareConnection } from './fake-auth.responder.js';
import { startSyncHarness, type SyncHarness } from './sync-harness.js';

const TENANT = 'tenant-ev';
const MERCHANT = 'MEVENTS1';

describe('schedules and webhook follow-ups (int)', () => {
  let harness: SyncHarness;
  let webhookIngest: NatsConnection;
  let changes: NatsConnection;
  const changed: Envelope<RecordChangedPayload>[] = [];

  beforeAll(async () => {
    harness = await startSyncHarness();
    harness.sandbox.registerAccount({ provider: 'square', account: MERCHANT, locations: 2, products: 30, orders: 300 });
    const token = await mintSquareToken(harness.sandbox.url, MERCHANT);
    harness.auth.connections.set('conn-ev', squareConnection('conn-ev', TENANT, MERCHANT, token));
    webhookIngest = await harness.nats.connectAs('webhook-ingest');
    // webhook-ingest owns the stream; sync-service started before it existed and must pick it up once it does.
    await ensureStream(webhookIngest, {
      name: canonicalEventsStream,
      subjects: [subjects.canonicalEvents],
      retention: 'limits',
    });
    changes = await harness.nats.connectAs('operator');
    changes.subscribe('records.order.changed.v1', {
      callback: (_e, m) => {
        if (m) changed.push(recordChangedEnvelope.parse(m.json()));
      },
    });
  });

  afterAll(async () => {
    await changes?.close();
    await webhookIngest?.close();
    await harness?.close();
  });

  it('a due schedule queues and runs an incremental pull exactly once across ticks', async () => {
    await harness.syncNow(TENANT, 'conn-ev', { streams: ['orders'] });
    await harness.dataSource.query(
      `UPDATE sync.schedules SET next_run_at = now() - interval '1 second' WHERE connection_id = 'conn-ev'`,
    );
    const scheduler = harness.app.get(ScheduleService);
    const [first, second] = await Promise.all([scheduler.tick(), scheduler.tick()]);
    expect((first ?? 0) + (second ?? 0)).toBe(1);
    await eventually(async () => {
      const rows = await harness.dataSource.query<{ status: string }[]>(
        `SELECT status FROM sync.runs WHERE trigger = 'schedule'`,
      );
      return rows.length === 1 && rows[0]?.status === 'succeeded';
    }, 30_000);
    const [next] = await harness.dataSource.query<{ later: boolean }[]>(
      `SELECT next_run_at > now() AS later FROM sync.schedules WHERE connection_id = 'conn-ev' AND stream = 'orders'`,
    );
    expect(next?.later).toBe(true);
  });

  it('an order.changed event fetches the order through the pipeline, upserts its newest version and emits a change', async () => {
    await mutateOrders(harness.sandbox.url, 'square', MERCHANT, 1);
    const orders = await exportEntity(harness.sandbox.url, 'square', MERCHANT, 'orders');
    const [rows] = [
      await harness.dataSource.query<{ external_id: string; v: string }[]>(
        `SELECT external_id, source_version::text AS v FROM sync.orders WHERE connection_id = 'conn-ev'`,
      ),
    ];
    const versions = new Map(rows.map((r) => [r.external_id, r.v]));
    const mutated = orders.find((o) => versions.get(String(o.id)) !== String(o.version));
    expect(mutated).toBeDefined();
    const id = String(mutated?.id);
    const before = harness.sandbox.ledger({ provider: 'square', endpoint: 'square.orders.batchRetrieve' }).length;
    const envelope: Envelope<CanonicalEventPayload> = {
      id: 'evt-1',
      subject: subjects.canonicalEvents,
      occurredAt: new Date().toISOString(),
      payload: {
        tenantId: TENANT,
        connectionId: 'conn-ev',
        provider: 'square',
        kind: 'order.changed',
        providerEventType: 'order.updated',
        externalId: id,
        sourceVersion: '1',
        needsFetch: true,
      },
    };
    await publishDurable(webhookIngest, subjects.canonicalEvents, envelope, envelope.id);
    await eventually(async () => {
      const [row] = await harness.dataSource.query<{ v: string }[]>(
        `SELECT source_version::text AS v FROM sync.orders WHERE connection_id = 'conn-ev' AND external_id = $1`,
        [id],
      );
      return row?.v === String(mutated?.version);
    }, 30_000);
    expect(harness.sandbox.ledger({ provider: 'square', endpoint: 'square.orders.batchRetrieve' }).length).toBe(
      before + 1,
    );
    // The change event is published after the commit, so it may land after the row is readable.
    const isNewest = (e: (typeof changed)[number]) =>
      e.payload.externalId === id && e.payload.sourceVersion === String(mutated?.version);
    await eventually(() => changed.some(isNewest), 5_000);
    const event = changed.find(isNewest);
    expect(event?.payload).toEqual({
      tenantId: TENANT,
      connectionId: 'conn-ev',
      provider: 'square',
      entity: 'orders',
      recordId: expect.any(String) as string,
      externalId: id,
      sourceVersion: String(mutated?.version),
      deleted: false,
    });
    expect(event?.id).toBe(`${event?.payload.recordId}:${event?.payload.sourceVersion}`);
  });
});
