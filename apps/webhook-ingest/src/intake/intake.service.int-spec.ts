import { BusError } from '@shelflink/contracts';
import { eventually } from '@shelflink/testing';
import { signedDelivery, standardWebhooksConnection, type TestConnection } from '../../test/factories.js';
import { startWebhookServices, type WebhookServices } from '../../test/webhook-services.js';
import { ReceivedEventRepository } from '../received-event/received-event.repository.js';
import { RetentionService } from '../retention/retention.service.js';
import { webhookOutboxDeferred } from '../metrics/webhook.metrics.js';
import { IntakeActivity } from '../intake-activity/intake-activity.service.js';
import { IntakeService } from './intake.service.js';

const dayMs = 86_400_000;

// IntakeService with its real repository on Postgres, the outbox relay on JetStream and a ManualClock: dedup,
// durability before the answer, the saturation hold-back and the dedup window that retention bounds.
describe('IntakeService (int)', () => {
  let services: WebhookServices;
  let intake: IntakeService;
  let activity: IntakeActivity;
  let connection: TestConnection;

  const rowsWithDedupKey = async (dedupKey: string) =>
    (
      await services.sql.query<{ id: string; status: string; raw_body: Buffer }>(
        `SELECT id, status, raw_body FROM webhook.received_events WHERE dedup_key = $1`,
        [dedupKey],
      )
    ).rows;
  const webhookIdOf = (delivery: ReturnType<typeof signedDelivery>) => String(delivery.headers['webhook-id']);
  const storedId = (answer: Awaited<ReturnType<IntakeService['receive']>>) =>
    answer.result === 'stored' ? answer.eventId : `refused ${answer.code}`;
  const deferredGauge = async () => (await webhookOutboxDeferred.get()).values[0]?.value ?? 0;
  /** One delivery kept in flight until released: with a saturation threshold of 1, intake is saturated meanwhile. */
  const holdIntakeSaturated = () => {
    let release = () => undefined as void;
    void activity.track(() => new Promise<void>((resolve) => (release = resolve)));
    return { release: () => release() };
  };

  beforeAll(async () => {
    services = await startWebhookServices({ WEBHOOK_INTAKE_SATURATION_IN_FLIGHT: 1 });
    intake = services.get(IntakeService);
    activity = services.get(IntakeActivity);
    connection = standardWebhooksConnection();
    services.connect(connection);
  });

  afterAll(async () => {
    await services?.close();
  });

  afterEach(() => services.clock.set(Date.now()));

  it('stores one row for concurrent copies and a re-signed retry of one delivery, and answers the others duplicate', async () => {
    const delivery = signedDelivery(connection, { signedAt: services.clock.now() });
    const answers = await Promise.all(Array.from({ length: 10 }, () => intake.receive(delivery)));
    const ids = new Set(answers.map(storedId));
    expect(ids.size).toBe(1);
    const [eventId = ''] = ids;
    expect(answers.filter((answer) => answer.result === 'stored' && !answer.duplicate)).toHaveLength(1);
    const retry = signedDelivery(connection, {
      webhookId: webhookIdOf(delivery),
      signedAt: services.clock.now() + 5_000,
    });
    expect(await intake.receive(retry)).toEqual({ result: 'stored', eventId, duplicate: true });
    expect((await rowsWithDedupKey(webhookIdOf(delivery))).map((row) => row.id)).toEqual([eventId]);
    await eventually(async () => (await services.publishedCounts()).get(eventId) === 1);
  });

  it('commits the row before it answers stored, and answers UNAVAILABLE, storing nothing, without Postgres', async () => {
    const delivery = signedDelivery(connection, { signedAt: services.clock.now() });
    const answer = await intake.receive(delivery);
    const [row] = await rowsWithDedupKey(webhookIdOf(delivery));
    expect(row?.id).toBe(storedId(answer));
    expect(row?.raw_body.equals(Buffer.from(delivery.rawBody, 'base64'))).toBe(true);

    const during = signedDelivery(connection, { signedAt: services.clock.now() });
    services.postgres.cut();
    try {
      const refused = await intake.receive(during).catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(BusError);
      expect(refused).toMatchObject({ code: 'UNAVAILABLE' });
    } finally {
      services.postgres.restore();
    }
    // The provider's retry after the outage is the first copy stored.
    expect(await rowsWithDedupKey(webhookIdOf(during))).toEqual([]);
    expect(await intake.receive(during)).toMatchObject({ result: 'stored', duplicate: false });
  });

  it("refuses a delivery signed outside the tolerance of intake's clock, and stores nothing", async () => {
    const delivery = signedDelivery(connection, { signedAt: services.clock.now() });
    services.clock.advance((services.config.WEBHOOK_TOLERANCE_SECONDS + 1) * 1_000);
    expect(await intake.receive(delivery)).toMatchObject({
      result: 'rejected',
      status: 401,
      code: 'TIMESTAMP_OUT_OF_TOLERANCE',
    });
    expect(await rowsWithDedupKey(webhookIdOf(delivery))).toEqual([]);
  });

  it('holds a stored event back from its first publish while intake is saturated, and publishes it once it is not', async () => {
    const saturation = holdIntakeSaturated();
    const delivery = signedDelivery(connection, { signedAt: services.clock.now() });
    const eventId = storedId(await activity.track(() => intake.receive(delivery)));
    await eventually(async () => (await deferredGauge()) === 1);
    expect((await rowsWithDedupKey(webhookIdOf(delivery))).map((row) => row.status)).toEqual(['received']);
    expect((await services.publishedCounts()).get(eventId)).toBeUndefined();
    saturation.release();
    await eventually(async () => (await services.publishedCounts()).get(eventId) === 1);
    expect(await deferredGauge()).toBe(0);
  });

  it('holds it back for at most WEBHOOK_RELAY_MAX_DEFER_MS of its clock while intake stays saturated', async () => {
    const saturation = holdIntakeSaturated();
    try {
      const delivery = signedDelivery(connection, { signedAt: services.clock.now() });
      const eventId = storedId(await activity.track(() => intake.receive(delivery)));
      await eventually(async () => (await deferredGauge()) === 1);
      expect((await services.publishedCounts()).get(eventId)).toBeUndefined();
      services.clock.advance(services.config.WEBHOOK_RELAY_MAX_DEFER_MS);
      await eventually(async () => (await services.publishedCounts()).get(eventId) === 1);
      expect(activity.saturated).toBe(true);
    } finally {
      saturation.release();
    }
  });

  it('forgets a processed delivery only after WEBHOOK_RETENTION_DAYS of its clock: a retry then is stored anew', async () => {
    const delivery = signedDelivery(connection, { signedAt: services.clock.now() });
    const eventId = storedId(await intake.receive(delivery));
    await services.get(ReceivedEventRepository).markProcessed(eventId, 0);
    const [stored] = (
      await services.sql.query<{ received_at: Date }>(`SELECT received_at FROM webhook.received_events WHERE id = $1`, [
        eventId,
      ])
    ).rows;
    const retentionEnds = (stored?.received_at.getTime() ?? 0) + services.config.WEBHOOK_RETENTION_DAYS * dayMs;
    const retention = services.get(RetentionService);
    const retryAt = (at: number) => {
      services.clock.set(at);
      return intake.receive(signedDelivery(connection, { webhookId: webhookIdOf(delivery), signedAt: at }));
    };

    services.clock.set(retentionEnds - 1_000);
    expect(await retention.pruneOnce()).toBe(0);
    expect(await retryAt(retentionEnds - 1_000)).toEqual({ result: 'stored', eventId, duplicate: true });

    services.clock.set(retentionEnds + 1_000);
    expect(await retention.pruneOnce()).toBe(1);
    const again = await retryAt(retentionEnds + 1_000);
    expect(again).toMatchObject({ result: 'stored', duplicate: false });
    expect((await rowsWithDedupKey(webhookIdOf(delivery))).map((row) => row.id)).toEqual([storedId(again)]);
  });
});
