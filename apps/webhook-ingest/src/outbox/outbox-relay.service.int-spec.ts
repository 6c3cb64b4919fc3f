import { jetstreamManager } from '@nats-io/jetstream';
import { webhookReceivedStream } from '@shelflink/contracts';
import { eventually } from '@shelflink/testing';
import { receivedEvent } from '../../test/factories.js';
import { startWebhookServices, type WebhookServices } from '../../test/webhook-services.js';
import { IntakeActivity } from '../intake-activity/intake-activity.service.js';
import { ReceivedEventRepository } from '../received-event/received-event.repository.js';
import { webhookOutboxDeferred, webhookOutboxTotal } from '../metrics/webhook.metrics.js';
import { ensureEventStreams } from '../processing/event-streams.js';
import { OutboxRelay } from './outbox-relay.service.js';

// OutboxRelay on its real repository and JetStream: what a crash or a lost message leaves behind is published by the
// sweep and the republish scan, and only then. Republish ages are Postgres's clock, as in production (replicas with
// skewed clocks agree), so the tests age rows there rather than move the service's clock.
describe('OutboxRelay (int)', () => {
  let services: WebhookServices;
  let events: ReceivedEventRepository;
  let republishAfterMs: number;
  const relays: OutboxRelay[] = [];

  /** A relay as a (re)started process has it: nothing in memory, the rows in Postgres. */
  const startRelay = async () => {
    const relay = new OutboxRelay(
      services.natsClient,
      events,
      services.config,
      services.get(IntakeActivity),
      services.clock,
    );
    relays.push(relay);
    relay.start();
    await relay.scan(); // the start-up sweep
    return relay;
  };
  const relayFailures = async () =>
    (await webhookOutboxTotal.get()).values.find((value) => value.labels.result === 'failed')?.value ?? 0;
  /** Sets how long ago the row was received and last (re)published, on Postgres's clock. */
  const age = async (id: string, ms: { received: number; published?: number }) =>
    services.sql.query(
      `UPDATE webhook.received_events SET received_at = now() - make_interval(secs => $2 / 1000.0),
         published_at = CASE WHEN $3::float8 IS NULL THEN published_at ELSE now() - make_interval(secs => $3 / 1000.0) END
       WHERE id = $1`,
      [id, ms.received, ms.published ?? null],
    );
  const recentlyPublished = { status: 'published', published_at: expect.any(Date) as Date };
  const row = async (id: string) =>
    (
      await services.sql.query<{ status: string; received_at: Date; published_at: Date | null }>(
        `SELECT status, received_at, published_at FROM webhook.received_events WHERE id = $1`,
        [id],
      )
    ).rows[0];

  beforeAll(async () => {
    services = await startWebhookServices({ WEBHOOK_INTAKE_SATURATION_IN_FLIGHT: 1 });
    events = services.get(ReceivedEventRepository);
    republishAfterMs = services.config.WEBHOOK_REPUBLISH_AFTER_MS;
  });

  // Each test starts at the wall clock's time with processing caught up, so the relays' publishes are its rows' alone.
  beforeEach(async () => {
    services.clock.set(Date.now());
    await services.sql.query(`UPDATE webhook.received_events SET status = 'processed' WHERE status <> 'processed'`);
  });

  afterAll(async () => {
    for (const relay of relays) await relay.stop();
    await services?.close();
  });

  it('publishes once, at start-up, a row stored but never published (a kill -9 between commit and publish)', async () => {
    const { id } = await events.insertIfNew(receivedEvent());
    // The process restarts after the crash: its clock is past the row's commit.
    services.clock.set(Date.now() + 1);
    const before = await services.relayPublishes();
    const relay = await startRelay();
    expect((await services.publishedCounts()).get(id)).toBe(1);
    expect(await row(id)).toMatchObject(recentlyPublished);
    // Later ticks, before WEBHOOK_REPUBLISH_AFTER_MS: nothing again, and a row stored since is the relay's own to publish.
    const { id: later } = await events.insertIfNew(receivedEvent());
    await age(id, { received: republishAfterMs + 1_000, published: republishAfterMs - 1_000 });
    await relay.scan();
    await relay.scan();
    expect(await services.relayPublishes()).toBe(before + 1);
    expect((await services.publishedCounts()).get(later)).toBeUndefined();
  });

  it('republishes a row published but not processed after WEBHOOK_REPUBLISH_AFTER_MS, then again only as long after', async () => {
    const relay = await startRelay();
    const { id } = await events.insertIfNew(receivedEvent());
    relay.notify({ id, generation: 0 });
    await eventually(async () => (await services.publishedCounts()).get(id) === 1);
    const publishesAged = async (ms: { received: number; published?: number }) => {
      const before = await services.relayPublishes();
      await age(id, ms);
      await relay.scan();
      return (await services.relayPublishes()) - before;
    };

    expect(await publishesAged({ received: republishAfterMs - 1_000 })).toBe(0);
    expect(await publishesAged({ received: republishAfterMs + 1_000 })).toBe(1);
    expect(await row(id)).toMatchObject(recentlyPublished);
    // Recorded: due again WEBHOOK_REPUBLISH_AFTER_MS after that republish, not after the commit.
    expect(await publishesAged({ received: 2 * republishAfterMs })).toBe(0);
    expect(await publishesAged({ received: 2 * republishAfterMs, published: republishAfterMs + 1_000 })).toBe(1);
    await events.markProcessed(id, 0);
    expect(await publishesAged({ received: 10 * republishAfterMs, published: 10 * republishAfterMs })).toBe(0);
  });

  it('keeps a publish JetStream refused and sends it on the next tick, once', async () => {
    const relay = await startRelay();
    const manager = await jetstreamManager(services.natsClient.connection);
    await manager.streams.delete(webhookReceivedStream);
    const failedBefore = await relayFailures();
    const { id } = await events.insertIfNew(receivedEvent());
    relay.notify({ id, generation: 0 });
    await eventually(async () => (await relayFailures()) === failedBefore + 1);
    await ensureEventStreams(services.natsClient);
    await relay.scan();
    expect((await services.publishedCounts()).get(id)).toBe(1);
    await relay.scan();
    expect(await relayFailures()).toBe(failedBefore + 1);
    expect((await services.publishedCounts()).get(id)).toBe(1);
  });

  it('publishes a held-back event when it stops, although intake is still saturated', async () => {
    const relay = await startRelay();
    let release = () => undefined as void;
    void services.get(IntakeActivity).track(() => new Promise<void>((resolve) => (release = resolve)));
    try {
      const { id } = await events.insertIfNew(receivedEvent());
      relay.notify({ id, generation: 0 });
      await eventually(async () => (await webhookOutboxDeferred.get()).values[0]?.value === 1);
      expect((await services.publishedCounts()).get(id)).toBeUndefined();
      await relay.stop();
      expect((await services.publishedCounts()).get(id)).toBe(1);
    } finally {
      release();
    }
  });
});
