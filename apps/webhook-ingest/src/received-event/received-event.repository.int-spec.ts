import { runServiceMigrations, serviceDataSourceOptions } from '@shelflink/database';
import { Clock } from '@shelflink/runtime';
import { createTestDatabase, type TestDatabase } from '@shelflink/testing';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { WebhookConfig } from '../config/webhook.config.js';
import { webhookDatabase } from '../database/webhook.database.js';
import { UnroutableEventRepository } from '../unroutable/unroutable-event.repository.js';
import { RetentionService } from '../retention/retention.service.js';
import { ReceivedEventRepository, type NewReceivedEvent } from './received-event.repository.js';

// Real Postgres, real migrations: the dedup constraint, the outbox queries, replay generations and retention.
describe('ReceivedEventRepository (int)', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  let events: ReceivedEventRepository;
  const newEvent = (overrides: Partial<NewReceivedEvent> = {}): NewReceivedEvent => ({
    tenantId: 't1',
    provider: 'square',
    connectionId: 'c1',
    dedupKey: randomUUID(),
    providerEventId: null,
    eventType: 'order.updated',
    headers: { 'content-type': 'application/json' },
    rawBody: Buffer.from('{"a":1}'),
    ...overrides,
  });

  beforeAll(async () => {
    database = await createTestDatabase('int_webhook_repo');
    await runServiceMigrations(webhookDatabase(database.url));
    dataSource = new DataSource(serviceDataSourceOptions(webhookDatabase(database.url, 20)));
    await dataSource.initialize();
    events = new ReceivedEventRepository(dataSource);
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await database?.drop();
  });

  it('stores one row for 50 concurrent inserts of one dedup key and reports the others as duplicates of it', async () => {
    const event = newEvent();
    const results = await Promise.all(Array.from({ length: 50 }, () => events.insertIfNew(event)));
    expect(results.filter((r) => !r.duplicate)).toHaveLength(1);
    expect(new Set(results.map((r) => r.id)).size).toBe(1);
  });

  it('stores each body of one batch byte for byte in its own row: empty, binary, invalid UTF-8, multibyte, large', async () => {
    const bodies = [
      Buffer.alloc(0),
      Buffer.from([0x00, 0xff, 0x5c, 0x78, 0x22, 0x7b]),
      Buffer.from([0xc3, 0x28, 0xa0, 0xa1]),
      Buffer.from('{"note":"é ☃ 🧾"}'),
      Buffer.alloc(300_000, 0x61),
      Buffer.from('{"a":1}'),
    ];
    // Submitted in one turn: one INSERT carries them all.
    const results = await Promise.all(bodies.map((rawBody) => events.insertIfNew(newEvent({ rawBody }))));
    expect(results.every((result) => !result.duplicate)).toBe(true);
    const stored: { id: string; raw_body: Buffer }[] = await dataSource.query(
      `SELECT id, raw_body FROM webhook.received_events WHERE id = ANY($1::uuid[])`,
      [results.map((result) => result.id)],
    );
    const bodyOf = new Map(stored.map((row) => [row.id, row.raw_body]));
    results.forEach((result, i) => expect(bodyOf.get(result.id)?.equals(bodies[i] ?? Buffer.alloc(1))).toBe(true));
  });

  it('hands the relay unprocessed rows stored before its sweep or past the republish delay, until processed', async () => {
    const { id } = await events.insertIfNew(newEvent({ connectionId: 'c-outbox' }));
    // A sweep started after the insert: Date is whole milliseconds, received_at has microseconds, so one ms on.
    const afterInsert = new Date(Date.now() + 1);
    const due = async (when: { republishAfterMs: number; storedBefore?: Date }) =>
      (await events.findToPublish(when, 1_000)).map((e) => e.id);
    // Just stored: its first publish is the relay's own, right after the commit.
    expect(await due({ republishAfterMs: 60_000 })).not.toContain(id);
    expect(await due({ republishAfterMs: 60_000, storedBefore: afterInsert })).toContain(id);
    expect(await due({ republishAfterMs: 0 })).toContain(id);
    // A recorded republish makes it due again only after the delay, sweep or not.
    await events.markPublished([{ id, generation: 0 }]);
    expect(await due({ republishAfterMs: 60_000, storedBefore: afterInsert })).not.toContain(id);
    expect(await due({ republishAfterMs: 0 })).toContain(id);
    await events.markProcessed(id, 0);
    expect(await due({ republishAfterMs: 0, storedBefore: new Date(Date.now() + 60_000) })).not.toContain(id);
  });

  it('processes a generation once, counting each finished attempt, and a replay starts a new generation', async () => {
    const { id } = await events.insertIfNew(newEvent({ tenantId: 't-replay' }));
    expect(await events.findToProcess(id, 0)).toMatchObject({ id, attempts: 0 });
    await events.recordFailure(id, 0, 'first try failed');
    expect(await events.findToProcess(id, 0)).toMatchObject({ id, attempts: 1, lastError: 'first try failed' });
    await events.markProcessed(id, 0);
    expect(await events.findForTenant('t-replay', id)).toMatchObject({
      status: 'processed',
      attempts: 2,
      lastError: null,
    });
    expect(await events.findToProcess(id, 0)).toBeUndefined();
    expect(await events.replay('other-tenant', { ids: [id] })).toEqual([]);
    expect(await events.replay('t-replay', { ids: [id] })).toEqual([{ id, generation: 1 }]);
    expect(await events.findToProcess(id, 0)).toBeUndefined();
    expect(await events.findToProcess(id, 1)).toMatchObject({ id, generation: 1, attempts: 0 });
  });

  it("reports the backlog: unprocessed events (capped), the oldest one's wait and dead events", async () => {
    const before = await events.backlog(1_000_000);
    const { id } = await events.insertIfNew(newEvent({ connectionId: 'c-backlog' }));
    await dataSource.query(
      `UPDATE webhook.received_events SET received_at = now() - interval '2 hours' WHERE id = $1`,
      [id],
    );
    const waiting = await events.backlog(1_000_000);
    expect(waiting).toMatchObject({ unprocessed: before.unprocessed + 1, dead: before.dead });
    expect(waiting.oldestWaitSeconds).toBeGreaterThanOrEqual(7_200);
    expect((await events.backlog(1)).unprocessed).toBe(1);
    await events.moveToDeadLetter(id, 0, 'poison');
    const dead = await events.backlog(1_000_000);
    expect(dead).toMatchObject({ unprocessed: before.unprocessed, dead: before.dead + 1 });
    expect(dead.oldestWaitSeconds).toBeLessThan(7_200);
  });

  it('prunes processed events past retention only', async () => {
    const old = await events.insertIfNew(newEvent({ connectionId: 'c-prune' }));
    const oldPending = await events.insertIfNew(newEvent({ connectionId: 'c-prune' }));
    const recent = await events.insertIfNew(newEvent({ connectionId: 'c-prune' }));
    await events.markProcessed(old.id, 0);
    await events.markProcessed(recent.id, 0);
    await dataSource.query(
      `UPDATE webhook.received_events SET received_at = now() - interval '8 days' WHERE id = ANY($1)`,
      [[old.id, oldPending.id]],
    );
    const config = { WEBHOOK_RETENTION_DAYS: 7, WEBHOOK_PRUNE_INTERVAL_MS: 3_600_000 } as WebhookConfig;
    const unroutable = new UnroutableEventRepository(dataSource);
    expect(await new RetentionService(events, unroutable, config, new Clock()).pruneOnce()).toBe(1);
    const left: { id: string }[] = await dataSource.query(
      `SELECT id FROM webhook.received_events WHERE connection_id = 'c-prune'`,
    );
    expect(left.map((row) => row.id).sort()).toEqual([oldPending.id, recent.id].sort());
  });
});
