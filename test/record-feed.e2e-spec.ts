import { feedStreamFor } from '@shelflink/contracts';
import { eventually, startService, type ServiceProcess } from '@shelflink/testing';
import { ShelflinkClient, type RecordChange, type RecordSubscription } from '../packages/client/src/index.js';
import { exportEntity, SQUARE_APP } from '../apps/sync-service/test/sandbox-accounts.js';
import { connectSquareMerchant, startAuthStack, syncServiceEnv, type AuthStack } from './auth-harness.js';
import { operatorCli } from './operator-cli.js';

const MERCHANT = 'MFEED1';
const ORDERS = 1_000;
const SERVICE = 'stock-feed';

// The durable record feed across real processes, read as a consumer service added with `services add`, through
// @shelflink/client: the consumer is stopped while 1,000 orders sync, sync-service is killed (-9) between page commits
// and their publish, and the consumer restarted after receives every change; its idempotent handler (keyed by the
// envelope id) applies each once.
describe('durable record feed (e2e)', () => {
  let stack: AuthStack;
  let syncEnv: Record<string, string>;
  let sync: ServiceProcess | undefined;
  let client: ShelflinkClient | undefined;

  beforeAll(async () => {
    stack = await startAuthStack({ prefix: 'e2e_record_feed' });
    stack.sandbox.registerApp(SQUARE_APP);
    stack.sandbox.registerAccount({ provider: 'square', account: MERCHANT, locations: 2, products: 5, orders: ORDERS });
    syncEnv = syncServiceEnv(stack, {
      SYNC_PAGE_SIZE: '100',
      SYNC_LEASE_TTL_MS: '1500',
      SYNC_RUN_ACK_WAIT_MS: '2000',
      SYNC_FEED_REPUBLISH_AFTER_MS: '1000',
      SYNC_FEED_RELAY_INTERVAL_MS: '200',
    });
  });

  afterAll(async () => {
    await client?.close();
    await sync?.stop();
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
    // Changes not acknowledged by JetStream yet (the outbox keeps them by upsert batch).
    const outboxSize = async () => {
      const outbox = 'SELECT coalesce(sum(cardinality(envelope_ids)), 0) AS n FROM sync.record_feed_outbox';
      return Number(((await stack.sql.query(outbox)).rows[0] as { n: string }).n);
    };

    // A consumer service of this tenant; sync-service makes its stream when auth-service announces it.
    sync = await startService('sync-service', syncEnv);
    const added = await operatorCli(stack.nats)(['services', 'add', SERVICE, '--tenant', stack.tenantId]);
    expect(added.code).toBe(0);
    client = await ShelflinkClient.connect(added.stdout);
    const effects = new Map<string, string>();
    let handled = 0;
    const handler = (change: RecordChange) => {
      handled++;
      if (!effects.has(change.id)) effects.set(change.id, `${change.payload.recordId}:${change.payload.sourceVersion}`);
    };
    const subscribe = async (): Promise<RecordSubscription> => {
      let subscription: RecordSubscription | undefined;
      // The stream appears once sync-service has heard of the service: until then subscribing fails, so try again.
      await eventually(
        async () => {
          subscription = await client?.records
            .subscribe('*', handler, { durableName: 'watcher', ackWaitMs: 2_000 })
            .catch(() => undefined);
          return subscription !== undefined;
        },
        20_000,
        200,
      ).catch(() => undefined);
      if (!subscription) {
        const said = sync
          ?.output()
          .split('\n')
          .filter((line) => /feed|stream|"level":(40|50)/i.test(line));
        throw new Error(`no feed stream ${feedStreamFor(SERVICE)}; sync-service said:\n${said?.slice(-20).join('\n')}`);
      }
      return subscription;
    };

    // It reads the locations, then stops before the orders sync.
    let subscription = await subscribe();
    await eventually(runSucceeded(await syncStream('locations')), 30_000, 100);
    await eventually(async () => effects.size >= 2, 30_000, 50);
    await subscription.stop();

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

    // The consumer comes back: every order's newest version arrives, and no change is applied twice.
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
    subscription = await subscribe();
    const seen = () => new Set(effects.values());
    await eventually(async () => [...wanted].every((key) => seen().has(key)), 60_000, 100);
    await subscription.stop();
    // One envelope per order change: the pages the killed replica committed were not turned into new changes.
    expect([...effects.values()].filter((key) => wanted.has(key))).toHaveLength(ORDERS);
    expect(handled).toBeGreaterThanOrEqual(effects.size);
  });
});
