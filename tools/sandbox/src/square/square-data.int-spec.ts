import { startSandbox, type RunningSandbox } from '../sandbox.js';
import { admin, authorizeRedirect, call, manualClock, postJson } from '../sandbox.test-kit.js';

const APP = {
  provider: 'square' as const,
  clientId: 'sq-data',
  clientSecret: 'sq-data-secret',
  redirectUris: ['https://app.example.com/cb'],
};
const MERCHANT = 'MLDATA1';

interface Order {
  id: string;
  version: number;
  updated_at: string;
  created_at: string;
  location_id: string;
  line_items: { quantity: string; base_price_money: { amount: number } }[];
}

describe('Square data API', () => {
  const clock = manualClock(Date.UTC(2026, 1, 1));
  let sandbox: RunningSandbox;
  let sq: string;
  let auth: Record<string, string>;

  beforeAll(async () => {
    sandbox = await startSandbox({
      clock: clock.now,
      seed: 7,
      config: {
        apps: [APP],
        accounts: [{ provider: 'square', account: MERCHANT, orders: 1234, products: 57, locations: 3 }],
      },
    });
    sq = `${sandbox.url}/square`;
    const cb = await authorizeRedirect(
      `${sq}/oauth2/authorize?client_id=${APP.clientId}&scope=ORDERS_READ&sandbox_account=${MERCHANT}`,
    );
    const token = await postJson(`${sq}/oauth2/token`, {
      client_id: APP.clientId,
      client_secret: APP.clientSecret,
      code: cb.location?.searchParams.get('code'),
      grant_type: 'authorization_code',
    });
    auth = { authorization: `Bearer ${String(token.body.access_token)}`, 'square-version': '2026-05-20' };
  });
  afterAll(async () => sandbox.close());

  async function exportOf<T>(entity: string): Promise<T[]> {
    const r = await call(`${sandbox.url}/_admin/data/export?provider=square&account=${MERCHANT}&entity=${entity}`);
    return r.text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as T);
  }

  async function walkOrders(body: Record<string, unknown>): Promise<{ orders: Order[]; pages: number }> {
    const orders: Order[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const r = await postJson<{ orders?: Order[]; cursor?: string; errors?: unknown }>(
        `${sq}/v2/orders/search`,
        { ...body, cursor },
        auth,
      );
      expect(r.status).toBe(200);
      orders.push(...(r.body.orders ?? []));
      cursor = r.body.cursor;
      pages += 1;
    } while (cursor);
    return { orders, pages };
  }

  it('orders: walking every page gives the export exactly, no duplicates', async () => {
    const { orders, pages } = await walkOrders({ limit: 100 });
    expect(pages).toBe(13);
    const ids = orders.map((o) => o.id);
    expect(new Set(ids).size).toBe(ids.length);
    const truth = await exportOf<Order>('orders');
    expect(new Set(ids)).toEqual(new Set(truth.map((o) => o.id)));
    // Default sort is CREATED_AT DESC.
    expect((orders[0]?.created_at ?? '') >= (orders[1]?.created_at ?? '')).toBe(true);
    expect(typeof orders[0]?.line_items[0]?.quantity).toBe('string');
    expect(Number.isInteger(orders[0]?.line_items[0]?.base_price_money.amount)).toBe(true);
  });

  it('orders: updated_at filter needs the UPDATED_AT sort, and incremental sync finds mutations', async () => {
    const mismatch = await postJson<{ errors: { code: string; field: string }[] }>(
      `${sq}/v2/orders/search`,
      {
        query: {
          filter: { date_time_filter: { updated_at: { start_at: '2025-12-01T00:00:00Z' } } },
          sort: { sort_field: 'CREATED_AT', sort_order: 'ASC' },
        },
      },
      auth,
    );
    expect(mismatch.status).toBe(400);
    expect(mismatch.body.errors[0]?.field).toBe('query.sort.sort_field');
    const since = '2025-12-01T00:00:00.000Z';
    const query = {
      filter: { date_time_filter: { updated_at: { start_at: since } } },
      sort: { sort_field: 'UPDATED_AT', sort_order: 'ASC' },
    };
    const before = await walkOrders({ query, limit: 50 });
    expect(before.orders.every((o) => o.updated_at >= since)).toBe(true);
    const truth = (await exportOf<Order>('orders')).filter((o) => o.updated_at >= since);
    expect(new Set(before.orders.map((o) => o.id))).toEqual(new Set(truth.map((o) => o.id)));
    const sorted = [...before.orders].sort((a, b) => a.updated_at.localeCompare(b.updated_at));
    expect(before.orders.map((o) => o.updated_at)).toEqual(sorted.map((o) => o.updated_at));

    const mutated = await admin(sandbox.url, '/data/mutate', { provider: 'square', account: MERCHANT, orders: 5 });
    expect(mutated.body.orders).toBe(5);
    const fresh = await walkOrders({
      query: {
        ...query,
        filter: { date_time_filter: { updated_at: { start_at: new Date(clock.now()).toISOString() } } },
      },
    });
    expect(fresh.orders).toHaveLength(5);
    expect(fresh.orders.every((o) => o.version >= 2)).toBe(true);
    const one = await call<{ order: Order }>(`${sq}/v2/orders/${fresh.orders[0]?.id ?? ''}`, { headers: auth });
    expect(one.body.order.version).toBe(fresh.orders[0]?.version);
  });

  it('orders: a cursor from another query is rejected; batch-retrieve and 404', async () => {
    const first = await postJson<{ cursor: string }>(`${sq}/v2/orders/search`, { limit: 10 }, auth);
    const wrong = await postJson(
      `${sq}/v2/orders/search`,
      { limit: 10, cursor: first.body.cursor, query: { sort: { sort_field: 'UPDATED_AT' } } },
      auth,
    );
    expect(wrong.status).toBe(400);
    const missing = await call(`${sq}/v2/orders/NOPE`, { headers: auth });
    expect(missing.status).toBe(404);
  });

  it('catalog list and search walk all items; inventory counts match the export', async () => {
    const items: { id: string; type: string }[] = [];
    let cursor: string | undefined;
    do {
      const r = await call<{ objects: { id: string; type: string }[]; cursor?: string }>(
        `${sq}/v2/catalog/list?types=ITEM,ITEM_VARIATION${cursor ? `&cursor=${cursor}` : ''}`,
        { headers: auth },
      );
      items.push(...r.body.objects);
      cursor = r.body.cursor;
    } while (cursor);
    const catalog = await exportOf<{ id: string; item_data: { variations: { id: string }[] } }>('catalog');
    const expected = catalog.flatMap((i) => [i.id, ...i.item_data.variations.map((v) => v.id)]);
    expect(items.map((i) => i.id)).toEqual(expected);

    const counts: { catalog_object_id: string; location_id: string; quantity: string }[] = [];
    let c: string | undefined;
    do {
      const r = await postJson<{ counts: typeof counts; cursor?: string }>(
        `${sq}/v2/inventory/counts/batch-retrieve`,
        { limit: 7, cursor: c },
        auth,
      );
      counts.push(...r.body.counts);
      c = r.body.cursor;
    } while (c);
    const truth = await exportOf<(typeof counts)[number]>('inventory');
    const key = (x: (typeof counts)[number]): string => `${x.catalog_object_id}@${x.location_id}=${x.quantity}`;
    expect(new Set(counts.map(key))).toEqual(new Set(truth.map(key)));
    expect(counts).toHaveLength(truth.length);

    const search = await postJson<{ objects: { updated_at: string }[]; latest_time: string }>(
      `${sq}/v2/catalog/search`,
      { object_types: ['ITEM'], begin_time: '2025-12-15T00:00:00Z', limit: 1000 },
      auth,
    );
    expect(search.body.objects.every((o) => o.updated_at > '2025-12-15T00:00:00.000Z')).toBe(true);
  });

  it('faults: 429 with Retry-After recorded in the ledger, 5xx, expired cursor, dropped connection, revoked tokens', async () => {
    await admin(sandbox.url, '/ledger', undefined, 'DELETE');
    await admin(sandbox.url, '/faults', { provider: 'square', account: MERCHANT, kind: 'status429', retryAfter: 3 });
    const limited = await call<{ errors: { category: string; code: string }[] }>(`${sq}/v2/locations`, {
      headers: auth,
    });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('3');
    expect(limited.body.errors[0]).toMatchObject({ category: 'RATE_LIMIT_ERROR', code: 'RATE_LIMITED' });
    expect(sandbox.ledger({ provider: 'square' })[0]).toMatchObject({
      status: 429,
      retryAfterUntil: clock.now() + 3000,
      fault: 'status429',
      account: MERCHANT,
    });
    await expect(call(`${sq}/v2/locations`, { headers: auth })).resolves.toMatchObject({ status: 200 });

    await admin(sandbox.url, '/faults', { provider: 'square', kind: 'status5xx', status: 502, count: 2 });
    await expect(call(`${sq}/v2/locations`, { headers: auth })).resolves.toMatchObject({ status: 502 });
    await expect(call(`${sq}/v2/locations`, { headers: auth })).resolves.toMatchObject({ status: 502 });
    await expect(call(`${sq}/v2/locations`, { headers: auth })).resolves.toMatchObject({ status: 200 });

    await admin(sandbox.url, '/faults', { provider: 'square', kind: 'expireCursor' });
    const page = await postJson<{ cursor: string }>(`${sq}/v2/orders/search`, { limit: 5 }, auth);
    expect(page.status).toBe(200);
    const expired = await postJson<{ errors: { code: string }[] }>(
      `${sq}/v2/orders/search`,
      { limit: 5, cursor: page.body.cursor },
      auth,
    );
    expect(expired.body.errors[0]?.code).toBe('INVALID_CURSOR');

    await admin(sandbox.url, '/faults', { provider: 'square', kind: 'dropConnection' });
    await expect(fetch(`${sq}/v2/locations`, { headers: auth })).rejects.toThrow();
    expect(sandbox.ledger({ provider: 'square' }).at(-1)).toMatchObject({ status: 0, fault: 'dropConnection' });

    await admin(sandbox.url, '/faults', { provider: 'square', account: MERCHANT, kind: 'revokeTokens' });
    await expect(call(`${sq}/v2/locations`, { headers: auth })).resolves.toMatchObject({ status: 401 });
    const faults = await admin<{ faults: unknown[] }>(sandbox.url, '/faults', undefined, 'GET');
    expect(faults.body.faults).toEqual([]);
  });
});
