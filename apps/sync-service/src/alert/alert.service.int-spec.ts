import type { OpsAlert } from '@shelflink/contracts';
import { runServiceMigrations, serviceDataSourceOptions, sqlRows } from '@shelflink/database';
import {
  createTestDatabase,
  eventually,
  startWebhookReceiver,
  type TestDatabase,
  type WebhookReceiver,
} from '@shelflink/testing';
import { randomUUID } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { DataSource } from 'typeorm';
import type { SyncConfig } from '../config/sync.config.js';
import { syncDatabase } from '../database/sync.database.js';
import { AlertDeliveryRepository } from './alert-delivery.repository.js';
import { AlertDeliveryWorker } from './alert-delivery.worker.js';
import { AlertStateRepository } from './alert-state.repository.js';
import { AlertService } from './alert.service.js';
import type { JiraAlertSender } from './jira-alert.sender.js';
import { WebhookAlertSender } from './webhook-alert.sender.js';

const SECRET = `whsec_${Buffer.from('alerts-int-spec-secret-0123456789').toString('base64')}`;
const HOLD_MS = 400;

function observation(key: string, state: 'firing' | 'resolved', extra: Partial<OpsAlert> = {}): OpsAlert {
  return {
    id: randomUUID(),
    kind: 'breaker_open',
    state,
    key,
    provider: 'square',
    cause: `breaker of ${key} ${state}`,
    source: 'sync-service',
    at: new Date().toISOString(),
    ...extra,
  };
}

// Real Postgres and real migrations; deliveries go over real HTTP to a local receiver that verifies them with the
// `standardwebhooks` reference library.
describe('AlertService and deliveries (int)', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  let receiver: WebhookReceiver;
  let alerts: AlertService;
  let worker: AlertDeliveryWorker;

  const deliveries = (key: string) =>
    sqlRows<{ state: string; status: string; attempts: number; target: string }>(
      dataSource,
      `SELECT state, status, attempts, target FROM sync.alert_deliveries WHERE key = $1 ORDER BY created_at`,
      [key],
    );
  // Earlier tests' deliveries go first, so the statuses a test queues meet its own.
  const flushOutbox = () =>
    eventually(async () => {
      await worker.deliverDue();
      const [row] = await sqlRows<{ pending: number }>(
        dataSource,
        `SELECT count(*)::int AS pending FROM sync.alert_deliveries WHERE status = 'pending'`,
      );
      return row?.pending === 0;
    });
  const deliveredTo = (key: string) =>
    receiver.requests.filter((request) => request.status === 200 && request.body.includes(`"key":"${key}"`));

  beforeAll(async () => {
    database = await createTestDatabase('alerts24_int_alerts');
    await runServiceMigrations(syncDatabase(database.url));
    dataSource = new DataSource(serviceDataSourceOptions(syncDatabase(database.url, 5)));
    await dataSource.initialize();
    receiver = await startWebhookReceiver();
    const config = {
      SYNC_ALERT_RESOLVE_HOLD_MS: HOLD_MS,
      SYNC_ALERT_TARGETS: [
        { type: 'webhook', name: 'ops', url: receiver.url, secret: SECRET },
        { type: 'webhook', name: 'stale-only', url: receiver.url, secret: SECRET, kinds: ['stream_stale'] },
      ],
      SYNC_ALERT_DELIVERY_TIMEOUT_MS: 5_000,
      SYNC_ALERT_DELIVERY_MAX_ATTEMPTS: 3,
      SYNC_ALERT_DELIVERY_BASE_MS: 50,
      SYNC_ALERT_DELIVERY_MAX_DELAY_MS: 100,
      SYNC_ALERT_TICK_MS: 100,
    } as unknown as SyncConfig;
    const outbox = new AlertDeliveryRepository(dataSource);
    alerts = new AlertService(dataSource, new AlertStateRepository(dataSource), outbox, config);
    worker = new AlertDeliveryWorker(outbox, new WebhookAlertSender(config), {} as JiraAlertSender, config);
  });

  afterAll(async () => {
    await receiver?.close();
    await dataSource?.destroy();
    await database?.drop();
  });

  it('announces a fire once; later fires while it fires only count', async () => {
    await expect(alerts.observe(observation('square:A1', 'firing'))).resolves.toBe('announced');
    await expect(alerts.observe(observation('square:A1', 'firing', { cause: 'again' }))).resolves.toBe('counted');
    const [alert] = await alerts.list({ kind: 'breaker_open', limit: 10 });
    expect(alert).toMatchObject({ key: 'square:A1', state: 'firing', count: 2, lastCause: 'again', resolvedAt: null });
    // One delivery, to the target that takes every kind; `stale-only` takes none of this.
    expect(await deliveries('square:A1')).toEqual([{ state: 'firing', status: 'pending', attempts: 0, target: 'ops' }]);
  });

  it('holds a resolution: a fire within the hold cancels it, and the recovery is announced once', async () => {
    await alerts.observe(observation('square:B2', 'firing'));
    await expect(alerts.observe(observation('square:B2', 'resolved'))).resolves.toBe('resolving');
    await expect(alerts.resolveHeld()).resolves.toBe(0); // the hold has not passed
    await expect(alerts.observe(observation('square:B2', 'firing'))).resolves.toBe('counted'); // it flapped back
    await alerts.observe(observation('square:B2', 'resolved'));
    await alerts.observe(observation('square:B2', 'resolved')); // another replica's close
    await eventually(async () => (await alerts.resolveHeld()) === 1);
    const resolved = await alerts.list({ state: 'resolved', limit: 100 });
    expect(resolved.find((alert) => alert.key === 'square:B2')).toMatchObject({
      count: 2,
      resolvedAt: expect.any(String),
    });
    await expect(alerts.resolveHeld()).resolves.toBe(0);
    await expect(alerts.observe(observation('square:B2', 'resolved'))).resolves.toBe('ignored');
    expect((await deliveries('square:B2')).map((delivery) => delivery.state)).toEqual(['firing', 'resolved']);
  });

  it('ignores a resolution older than the last fire (replicas out of order)', async () => {
    const earlier = new Date(Date.now() - 60_000).toISOString();
    await alerts.observe(observation('square:C3', 'firing'));
    await expect(alerts.observe(observation('square:C3', 'resolved', { at: earlier }))).resolves.toBe('ignored');
  });

  it('lists one tenant only when asked for a tenant', async () => {
    await alerts.observe({ ...observation('conn-t1', 'firing'), kind: 'needs_reauth', tenantId: 't1' });
    await alerts.observe({ ...observation('conn-t2', 'firing'), kind: 'needs_reauth', tenantId: 't2' });
    const t1 = await alerts.list({ tenantId: 't1', limit: 100 });
    expect(t1.map((alert) => alert.key)).toEqual(['conn-t1']);
    expect((await alerts.list({ limit: 100 })).map((alert) => alert.key)).toEqual(
      expect.arrayContaining(['conn-t1', 'conn-t2', 'square:A1']),
    );
  });

  it('delivers signed, retries a refusal with backoff, and records the attempts', async () => {
    await flushOutbox();
    receiver.answerNext(503);
    await alerts.observe(observation('square:D4', 'firing'));
    await eventually(async () => {
      await worker.deliverDue();
      return deliveredTo('square:D4').length === 1;
    });
    expect(await deliveries('square:D4')).toEqual([
      { state: 'firing', status: 'delivered', attempts: 2, target: 'ops' },
    ]);
    const [refused, delivered] = receiver.requests.filter((request) => request.body.includes('"key":"square:D4"'));
    expect(refused?.status).toBe(503);
    // The retry is the same delivery: same webhook-id, so a receiver dedupes it.
    expect(delivered?.headers['webhook-id']).toBe(refused?.headers['webhook-id']);
    const verified = new Webhook(SECRET).verify(delivered?.body ?? '', delivered?.headers as Record<string, string>);
    expect(verified).toMatchObject({ type: 'alert.firing', data: { kind: 'breaker_open', key: 'square:D4' } });
    expect(() =>
      new Webhook(SECRET.replace(/.$/, 'A')).verify(
        delivered?.body ?? '',
        delivered?.headers as Record<string, string>,
      ),
    ).toThrow();
  });

  it('gives a delivery up after its attempts, and keeps the reason on the row', async () => {
    await flushOutbox();
    receiver.answerNext(500, 500, 500);
    await alerts.observe(observation('square:E5', 'firing'));
    await eventually(async () => {
      await worker.deliverDue();
      return (await deliveries('square:E5'))[0]?.status === 'failed';
    });
    const [row] = await sqlRows<{ attempts: number; lastError: string }>(
      dataSource,
      `SELECT attempts, last_error AS "lastError" FROM sync.alert_deliveries WHERE key = 'square:E5'`,
    );
    expect(row).toEqual({ attempts: 3, lastError: 'HTTP 500' });
  });

  it('leaves a delivery claimed by a crashed sender to be sent after its lease', async () => {
    await alerts.observe(observation('square:F6', 'firing'));
    const outbox = new AlertDeliveryRepository(dataSource);
    // A replica claimed it and died before sending: with a lease already over, another replica sends it.
    const [claimed] = await outbox.claimDue(100, 0);
    expect(claimed?.payload.data.key).toBeDefined();
    await eventually(async () => {
      await worker.deliverDue();
      return deliveredTo('square:F6').length === 1;
    });
  });
});
