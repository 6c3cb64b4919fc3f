import { eventually, startService, type ServiceProcess } from '@shelflink/testing';
import { mintShopifyToken, SHOPIFY_APP } from '../apps/sync-service/test/sandbox-accounts.js';
import { startAuthStack, syncServiceEnv, type AuthStack } from './auth-harness.js';

const BUSY = 'busy-shop.myshopify.com';
const CALM = 'calm-shop.myshopify.com';
const LEAK = 10;
const CAPACITY = 40;

// Three replicas and three connections pulling one Shopify shop through the sandbox's leaky bucket share one
// budget (Postgres token bucket): few 429s, never a request before a Retry-After, most of the allowed rate used,
// and another shop synced at the same time is not slowed by the first one's budget.
describe('sync-service replicas sharing a Shopify budget (e2e)', () => {
  let stack: AuthStack;
  const replicas: ServiceProcess[] = [];

  beforeAll(async () => {
    stack = await startAuthStack({ prefix: 'e2e_sync_replicas' });
    stack.sandbox.registerApp(SHOPIFY_APP);
    const bucket = { capacity: CAPACITY, leakPerSecond: LEAK };
    stack.sandbox.registerAccount({
      provider: 'shopify',
      account: BUSY,
      locations: 2,
      products: 150,
      orders: 2400,
      bucket,
    });
    stack.sandbox.registerAccount({
      provider: 'shopify',
      account: CALM,
      locations: 2,
      products: 50,
      orders: 300,
      bucket,
    });
    const env = syncServiceEnv(stack, {
      SYNC_PAGE_SIZE: '50',
      SYNC_RATE_LIMITS: JSON.stringify({ shopify: { capacity: CAPACITY, refillPerSecond: LEAK * 0.95 } }),
    });
    for (let i = 0; i < 3; i++) replicas.push(await startService('sync-service', env));
  });

  afterAll(async () => {
    await Promise.all(replicas.map((replica) => replica.stop()));
    await stack?.close();
  });

  it('keeps 429s under 1%, honours Retry-After, uses at least 80% of the rate, and leaves other shops alone', async () => {
    const connect = async (shop: string, alias: string): Promise<string> => {
      const token = await mintShopifyToken(stack.sandbox.url, shop);
      const created = await stack.admin('POST', '/api/v1/connections', {
        provider: 'shopify',
        alias,
        credentials: { type: 'access-token', accessToken: token },
        metadata: { shop },
      });
      expect(created.status).toBe(201);
      return (created.body as unknown as { id: string }).id;
    };
    const busy = [await connect(BUSY, 'busy-a'), await connect(BUSY, 'busy-b'), await connect(BUSY, 'busy-c')];
    const calm = await connect(CALM, 'calm');
    const runIds: string[] = [];
    for (const connectionId of [...busy, calm]) {
      const started = await stack.admin('POST', `/api/v1/connections/${connectionId}/syncs`, {});
      expect(started.status).toBe(202);
      runIds.push(...(started.body as unknown as { runs: { id: string }[] }).runs.map((run) => run.id));
    }
    await eventually(
      async () => {
        const { rows } = await stack.sql.query(
          `SELECT count(*)::int AS n FROM sync.runs WHERE status IN ('succeeded', 'failed')`,
        );
        return (rows[0] as { n: number }).n === runIds.length;
      },
      110_000,
      200,
    );
    const listed = await stack.admin('GET', '/api/v1/sync-runs?limit=200');
    expect(listed.status).toBe(200);
    const runs = (listed.body as unknown as { runs: { status: string; errorCode: string | null }[] }).runs;
    expect(runs).toHaveLength(runIds.length);
    expect(runs.filter((run) => run.status !== 'succeeded')).toEqual([]);

    const busyCalls = stack.sandbox
      .ledger({ provider: 'shopify', account: BUSY })
      .filter((e) => e.endpoint !== 'shopify.oauth.token' && e.endpoint !== 'shopify.oauth.authorize');
    const afterWarmUp = busyCalls.slice(CAPACITY);
    const limited = afterWarmUp.filter((e) => e.status === 429).length;
    expect(limited / afterWarmUp.length).toBeLessThan(0.01);
    for (const entry of busyCalls.filter((e) => e.status === 429)) {
      const until = Number(entry.retryAfterUntil);
      expect(busyCalls.filter((e) => e.seq > entry.seq && e.at < until)).toEqual([]);
    }
    const ok = busyCalls.filter((e) => e.status === 200);
    const first = busyCalls[0]?.at ?? 0;
    const last = busyCalls.at(-1)?.at ?? 0;
    const allowed = CAPACITY + (LEAK * (last - first)) / 1000;
    expect(ok.length / allowed).toBeGreaterThanOrEqual(0.8);

    const calmCalls = stack.sandbox
      .ledger({ provider: 'shopify', account: CALM })
      .filter((e) => e.endpoint !== 'shopify.oauth.token' && e.endpoint !== 'shopify.oauth.authorize');
    expect(calmCalls.filter((e) => e.status === 429)).toEqual([]);
    // The calm shop finished while the busy one was still being pulled: its budget is its own.
    expect((calmCalls.at(-1)?.at ?? Infinity) < last).toBe(true);
    process.stdout.write(
      `${JSON.stringify({ busyRequests: busyCalls.length, limited, utilisation: ok.length / allowed, seconds: (last - first) / 1000 })}\n`,
    );
  });
});
