import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager, type JsMsg } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { recordFeedEnvelope, tenantFeedStream } from '@shelflink/contracts';
import { eventually, startService, type ServiceProcess } from '@shelflink/testing';
import { exportEntity, SQUARE_APP } from '../apps/sync-service/test/sandbox-accounts.js';
import { connectSquareMerchant, startAuthStack, type AuthStack } from './auth-harness.js';

const MERCHANT = 'MFEED1';
const ORDERS = 1_000;
const DURABLE = 'feed-watcher';

// The durable record feed across real processes: a consumer stopped while 1,000 orders sync, and sync-service
// killed (-9) between its page commits and their publish, then restarted. The consumer receives every change once
// back, and its idempotent handler (envelope id = key, in the effect's transaction here a Map) applies each once.
describe('durable record feed (e2e)', () => {
  let stack: AuthStack;
  let syncEnv: Record<string, string>;
  let sync: ServiceProcess | undefined;
  let bus: NatsConnection;

  beforeAll(async () => {
    stack = await startAuthStack({ prefix: 'e2e_record_feed' });
    stack.sandbox.registerApp(SQUARE_APP);
    stack.sandbox.registerAccount({ provider: 'square', account: MERCHANT, locations: 2, products: 5, orders: ORDERS });
    syncEnv = {
      ...stack.nats.envFor('sync-service'),
      DATABASE_URL: stack.database.url,
      SANDBOX_URL: stack.sandbox.url,
      PROVIDERS_CONFIG: 'libs/providers/config/providers.sandbox.json',
      SYNC_PAGE_SIZE: '100',
      SYNC_LEASE_TTL_MS: '1500',
      SYNC_RUN_ACK_WAIT_MS: '2000',
      SYNC_FEED_REPUBLISH_AFTER_MS: '1000',
      SYNC_FEED_RELAY_INTERVAL_MS: '200',
    };
    // Until consumer identities exist here, the test reads the tenant stream with sync-service's JetStream rights.
    bus = await stack.nats.connectAs('sync-service');
  });

  afterAll(async () => {
    await sync?.stop();
    await bus?.close();
    await stack?.close();
  });

  it('delivers every change of a 1,000-order sync once, across a stopped consumer and a kill -9 before publish', async () => {
    const connectionId = await connectSquareMerchant(stack, MERCHANT, 'feed');
    const syncStream = async (stream: string): Promise<string> => {
      const started = await stack.admin('POST', `/api/v1/connections/${connectionId}/syncs`, { streams: [stream] });
      expect(started.status).toBe(202);
      return (started.body as unknown as { runs: { id: string }[] }).runs[0]?.id ?? '';
    };
    const runSucceeded = (runId: string) => async () =>
      ((await stack.admin('GET', `/api/v1/sync-runs/${runId}`)).body as unknown as { status: string }).status ===
      'succeeded';
    const outboxSize = async () =>
      Number(((await stack.sql.query('SELECT count(*) AS n FROM sync.record_feed_outbox')).rows[0] as { n: string }).n);

    // The consumer exists and reads the locations, then stops before the orders sync.
    sync = await startService('sync-service', syncEnv);
    await eventually(runSucceeded(await syncStream('locations')), 30_000, 100);
    const stream = tenantFeedStream(stack.tenantId);
    const manager = await jetstreamManager(bus);
    await manager.consumers.add(stream, {
      durable_name: DURABLE,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      ack_wait: 2_000_000_000,
    });
    const effects = new Map<string, { recordId: string; sourceVersion: string }>();
    let handled = 0;
    const handle = (message: JsMsg) => {
      const envelope = recordFeedEnvelope.parse(message.json());
      handled++;
      if (!effects.has(envelope.id))
        effects.set(envelope.id, {
          recordId: envelope.payload.recordId,
          sourceVersion: envelope.payload.sourceVersion,
        });
      message.ack();
    };
    await consumeUntil(bus, stream, handle, () => effects.size >= 2);

    // A replica that commits pages but pauses before their publish is killed there; a normal one takes over.
    await sync.stop();
    sync = await startService('sync-service', { ...syncEnv, SYNC_FAULT_PAUSE_BEFORE_PUBLISH_MS: '60000' });
    const ordersRun = await syncStream('orders');
    await eventually(async () => (await outboxSize()) >= 300, 60_000, 20);
    await sync.kill();
    expect(await outboxSize()).toBeGreaterThanOrEqual(300);
    sync = await startService('sync-service', syncEnv);
    await eventually(runSucceeded(ordersRun), 90_000, 100);
    await eventually(async () => (await outboxSize()) === 0, 30_000, 100);

    // The consumer comes back: every order's newest version arrives, and no envelope is applied twice.
    const orders = await exportEntity(stack.sandbox.url, 'square', MERCHANT, 'orders');
    expect(orders).toHaveLength(ORDERS);
    const orderRows = (
      await stack.sql.query(
        `SELECT id::text AS id, source_version::text AS v FROM sync.orders WHERE connection_id = $1`,
        [connectionId],
      )
    ).rows as { id: string; v: string }[];
    expect(orderRows).toHaveLength(ORDERS);
    const wanted = new Set(orderRows.map((row) => `${row.id}:${row.v}`));
    const seen = () => new Set([...effects.values()].map((e) => `${e.recordId}:${e.sourceVersion}`));
    await consumeUntil(bus, stream, handle, () => [...wanted].every((key) => seen().has(key))).catch(async (e) => {
      const st = await manager.streams.info(stream);
      const missing = [...wanted].filter((key) => !seen().has(key));
      process.stdout.write(
        `DEBUG stream ${JSON.stringify(st.state)} effects ${effects.size} handled ${handled} missing ${missing.length} ${missing.slice(0, 3).join(',')} ${JSON.stringify([...effects.values()].slice(0, 3))}\n${sync?.output().slice(-3000)}\n`,
      );
      throw e;
    });
    const info = await manager.consumers.info(stream, DURABLE);
    expect(info.num_pending).toBe(0);
    const orderEffects = [...effects.values()].filter((e) => wanted.has(`${e.recordId}:${e.sourceVersion}`));
    // One envelope per order change: the killed replica's published pages were not re-sent as new changes.
    expect(orderEffects).toHaveLength(ORDERS);
    expect(handled).toBeGreaterThanOrEqual(effects.size);
  });
});

/** Fetches from the durable until `done` holds (deadline 60 s); what is not fetched stays for the next call. */
async function consumeUntil(
  bus: NatsConnection,
  stream: string,
  handle: (message: JsMsg) => void,
  done: () => boolean,
): Promise<void> {
  const consumer = await jetstream(bus).consumers.get(stream, DURABLE);
  const deadline = Date.now() + 60_000;
  while (!done() && Date.now() < deadline) {
    const batch = await consumer.fetch({ max_messages: 200, expires: 1_000 });
    for await (const message of batch) handle(message);
  }
  expect(done()).toBe(true);
}
