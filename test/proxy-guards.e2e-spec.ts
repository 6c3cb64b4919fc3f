import { eventually, startService, type ServiceProcess } from '@shelflink/testing';
import {
  mintShopifyToken,
  mintSquareToken,
  SHOPIFY_APP,
  SQUARE_APP,
} from '../apps/sync-service/test/sandbox-accounts.js';
import { startAuthStack, syncServiceEnv, type AuthStack } from './auth-harness.js';
import { connectWithToken } from './routing-harness.js';

const SHOP = 'proxy-busy.myshopify.com';
const CAPACITY = 40;
const LEAK = 10;
const MERCHANT = 'MGUARDS1';
const FLAKY = 'MGUARDS2';
const RESET_MS = 3_000;

interface Answer {
  status: number;
  code?: string;
}

// The proxy's guards are sync-service's: the shared budget with a scheduled sync of the same account, retries of
// what may be retried (and not a POST without an idempotency key), and the account's breaker.
describe('provider proxy: budget, retries and breaker (e2e)', () => {
  let stack: AuthStack;
  let sync: ServiceProcess;
  const ids = { shop: '', square: '', flaky: '' };

  const proxy = async (connectionId: string, path: string, init: RequestInit = {}): Promise<Answer> => {
    const response = await fetch(`${stack.gateway.url}/api/v1/connections/${connectionId}/proxy${path}`, {
      ...init,
      headers: {
        authorization: `Bearer ${stack.apiKey}`,
        ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
      },
    });
    const text = await response.text();
    const code = response.ok ? undefined : (JSON.parse(text) as { error?: { code: string } }).error?.code;
    return { status: response.status, ...(code === undefined ? {} : { code }) };
  };
  const fault = async (body: Record<string, unknown>) => {
    const response = await fetch(`${stack.sandbox.url}/_admin/faults`, {
      method: body.clear ? 'DELETE' : 'POST',
      headers: body.clear ? {} : { 'content-type': 'application/json' },
      ...(body.clear ? {} : { body: JSON.stringify(body) }),
    });
    expect(response.ok).toBe(true);
  };
  const apiCalls = (provider: string, account: string) =>
    stack.sandbox.ledger({ provider, account }).filter((entry) => !entry.endpoint.includes('oauth'));

  beforeAll(async () => {
    stack = await startAuthStack({ prefix: 'e2e_proxy_guards' });
    stack.sandbox.registerApp(SQUARE_APP);
    stack.sandbox.registerApp(SHOPIFY_APP);
    const bucket = { capacity: CAPACITY, leakPerSecond: LEAK };
    stack.sandbox.registerAccount({
      provider: 'shopify',
      account: SHOP,
      locations: 2,
      products: 100,
      orders: 1500,
      bucket,
    });
    stack.sandbox.registerAccount({ provider: 'square', account: MERCHANT, locations: 2, products: 5, orders: 5 });
    stack.sandbox.registerAccount({ provider: 'square', account: FLAKY, locations: 2, products: 5, orders: 5 });
    sync = await startService(
      'sync-service',
      syncServiceEnv(stack, {
        SYNC_PAGE_SIZE: '50',
        SYNC_RATE_LIMITS: JSON.stringify({ shopify: { capacity: CAPACITY, refillPerSecond: LEAK * 0.95 } }),
        SYNC_RETRY_BASE_MS: '20',
        SYNC_RETRY_MAX_DELAY_MS: '200',
        SYNC_BREAKER_RESET_MS: String(RESET_MS),
        SYNC_BREAKER_VOLUME: '5',
      }),
    );
    ids.shop = await connectWithToken(stack, stack.apiKey, {
      provider: 'shopify',
      alias: 'busy',
      accessToken: await mintShopifyToken(stack.sandbox.url, SHOP),
      metadata: { shop: SHOP },
    });
    for (const [key, merchant] of [
      ['square', MERCHANT],
      ['flaky', FLAKY],
    ] as const) {
      ids[key] = await connectWithToken(stack, stack.apiKey, {
        provider: 'square',
        alias: key,
        accessToken: await mintSquareToken(stack.sandbox.url, merchant),
        metadata: { merchantId: merchant },
      });
    }
  });

  afterAll(async () => {
    await sync?.stop();
    await stack?.close();
  });

  it("shares the account's budget with a running sync: no 429 after warm-up, none before a Retry-After", async () => {
    const started = await stack.admin('POST', `/api/v1/connections/${ids.shop}/syncs`, { streams: ['orders'] });
    expect(started.status).toBe(202);
    // A proxy caller hammering the same shop while the sync pulls 30 pages: 4 callers, 25 requests each.
    const hammer = async () => {
      const statuses: number[] = [];
      for (let i = 0; i < 25; i++) statuses.push((await proxy(ids.shop, '/shop.json')).status);
      return statuses;
    };
    const statuses = (await Promise.all([hammer(), hammer(), hammer(), hammer()])).flat();
    expect(statuses.filter((status) => status !== 200)).toEqual([]);
    await eventually(
      async () => {
        const { rows } = await stack.sql.query(
          `SELECT count(*)::int AS n FROM sync.runs WHERE status IN ('succeeded', 'failed')`,
        );
        return (rows[0] as { n: number }).n === 1;
      },
      60_000,
      200,
    );
    const calls = apiCalls('shopify', SHOP);
    expect(calls.filter((entry) => entry.endpoint === 'shopify.orders').length).toBeGreaterThanOrEqual(30);
    expect(calls.slice(CAPACITY).filter((entry) => entry.status === 429)).toEqual([]);
    for (const entry of calls.filter((e) => e.status === 429)) {
      const until = Number(entry.retryAfterUntil);
      expect(calls.filter((e) => e.seq > entry.seq && e.at < until)).toEqual([]);
    }
  });

  it('retries a GET through 503s and succeeds; a POST without an idempotency key is sent once', async () => {
    await fault({ provider: 'square', account: MERCHANT, kind: 'status5xx', status: 503, count: 2 });
    const before = apiCalls('square', MERCHANT).length;
    expect(await proxy(ids.square, '/v2/locations')).toEqual({ status: 200 });
    expect(
      apiCalls('square', MERCHANT)
        .slice(before)
        .map((e) => e.status),
    ).toEqual([503, 503, 200]);

    // Shopify's REST API takes no idempotency key: a POST that may have been applied is not sent again.
    await fault({ provider: 'shopify', account: SHOP, kind: 'status5xx', status: 503, count: 1 });
    const shopBefore = apiCalls('shopify', SHOP).length;
    const posted = await proxy(ids.shop, '/orders.json', {
      method: 'POST',
      body: JSON.stringify({ order: { line_items: [] } }),
    });
    expect(posted.status).toBe(503);
    expect(
      apiCalls('shopify', SHOP)
        .slice(shopBefore)
        .map((e) => e.status),
    ).toEqual([503]);
  });

  it('opens the breaker on 503s for 10 s: no call reaches the provider while open, then closes', async () => {
    await fault({ provider: 'square', account: FLAKY, kind: 'status5xx', status: 503, count: 0 });
    const startedAt = Date.now();
    let answer: Answer = { status: 0 };
    while (answer.code !== 'PROVIDER_UNAVAILABLE' || answer.status !== 502) {
      answer = await proxy(ids.flaky, '/v2/locations');
      expect(Date.now() - startedAt).toBeLessThan(10_000);
    }
    const whileOpen = apiCalls('square', FLAKY).length;
    const openedAt = Date.now();
    for (let i = 0; i < 10; i++) expect(await proxy(ids.flaky, '/v2/locations')).toMatchObject({ status: 502 });
    expect(Date.now() - openedAt).toBeLessThan(RESET_MS);
    expect(apiCalls('square', FLAKY).length).toBe(whileOpen);
    // Callers keep asking through the 10 s outage: only the breaker's half-open trials (one per reset) get through.
    let asked = 0;
    while (Date.now() - startedAt < 10_000) {
      expect(await proxy(ids.flaky, '/v2/locations')).toMatchObject({ status: 502 });
      asked += 1;
    }
    const trials = apiCalls('square', FLAKY).length - whileOpen;
    expect(trials).toBeLessThanOrEqual(Math.ceil(10_000 / RESET_MS));
    expect(asked).toBeGreaterThan(trials * 10);
    // The provider recovers; the next trial call closes the breaker and GETs succeed again.
    await fault({ clear: true });
    await eventually(async () => (await proxy(ids.flaky, '/v2/locations')).status === 200, 3 * RESET_MS, 200);
    expect(await proxy(ids.flaky, '/v2/locations')).toEqual({ status: 200 });
  });
});
