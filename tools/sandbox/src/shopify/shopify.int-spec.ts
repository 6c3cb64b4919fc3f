import { createHmac, timingSafeEqual } from 'node:crypto';
import { startSandbox, type RunningSandbox } from '../sandbox.js';
import { admin, authorizeRedirect, call, manualClock, postJson, type JsonResponse } from '../sandbox.test-kit.js';

const APP = {
  provider: 'shopify' as const,
  clientId: 'shp-client',
  clientSecret: 'shpss_secret',
  redirectUris: ['https://app.example.com/shopify/cb'],
};
const SHOP = 'sandbox-store.myshopify.com';

/** Independent callback check: raw query segments minus hmac, sorted, joined, hex HMAC-SHA256 with the secret. */
function verifyCallback(rawUrl: string, secret: string): boolean {
  const query = rawUrl.split('?')[1] ?? '';
  const parts = query.split('&').filter((p) => !p.startsWith('hmac='));
  const given =
    query
      .split('&')
      .find((p) => p.startsWith('hmac='))
      ?.slice(5) ?? '';
  const message = parts.sort().join('&');
  const expected = createHmac('sha256', secret).update(message).digest();
  const actual = Buffer.from(given, 'hex');
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** Order ids as written on the wire (raw digits), without JSON.parse's precision loss. */
const rawIds = (text: string): string[] =>
  [...text.matchAll(/"id":(\d+),"admin_graphql_api_id":"gid:\/\/shopify\/Order\//g)].map((m) => m[1] ?? '');

describe('Shopify', () => {
  const clock = manualClock(Date.UTC(2026, 1, 1));
  let sandbox: RunningSandbox;
  let shop: string;

  beforeAll(async () => {
    sandbox = await startSandbox({
      clock: clock.now,
      config: {
        apps: [APP],
        accounts: [{ provider: 'shopify', account: SHOP, orders: 620, products: 40, locations: 2 }],
      },
    });
    shop = `${sandbox.url}/shopify/${SHOP}`;
  });
  afterAll(async () => sandbox.close());

  async function install(expiring: boolean): Promise<Record<string, unknown>> {
    const r = await authorizeRedirect(
      `${shop}/admin/oauth/authorize?client_id=${APP.clientId}&scope=read_orders,read_products&redirect_uri=${encodeURIComponent(APP.redirectUris[0] ?? '')}&state=nonce 1&grant_options[]=`,
    );
    expect(r.status).toBe(302);
    expect(verifyCallback(r.raw, APP.clientSecret)).toBe(true);
    expect(verifyCallback(r.raw, 'other-secret')).toBe(false);
    expect(r.location?.searchParams.get('state')).toBe('nonce 1');
    expect(r.location?.searchParams.get('shop')).toBe(SHOP);
    const form = new URLSearchParams({
      client_id: APP.clientId,
      client_secret: APP.clientSecret,
      code: r.location?.searchParams.get('code') ?? '',
      ...(expiring ? { expiring: '1' } : {}),
    });
    const token = await call(`${shop}/admin/oauth/access_token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form.toString(),
    });
    expect(token.status).toBe(200);
    return token.body;
  }

  it('OAuth: signed callback, non-expiring and expiring offline tokens, rotation and reuse detection', async () => {
    const plain = await install(false);
    expect(Object.keys(plain).sort()).toEqual(['access_token', 'scope']);
    expect(plain.scope).toBe('read_orders,read_products');
    const expiring = await install(true);
    expect(expiring).toMatchObject({ expires_in: 3600, refresh_token_expires_in: 7_776_000 });
    const r1 = String(expiring.refresh_token);
    const refresh = (token: string): Promise<{ status: number; body: Record<string, unknown> }> =>
      postJson(`${shop}/admin/oauth/access_token`, {
        client_id: APP.clientId,
        client_secret: APP.clientSecret,
        grant_type: 'refresh_token',
        refresh_token: token,
      });
    const second = await refresh(r1);
    expect(second.status).toBe(200);
    const r2 = String(second.body.refresh_token);
    expect(r2).not.toBe(r1);
    const reuse = await refresh(r1);
    expect(reuse).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    await expect(refresh(r2)).resolves.toMatchObject({ status: 400 });
    const api = await call(`${shop}/admin/api/2026-07/shop.json`, {
      headers: { 'x-shopify-access-token': String(second.body.access_token) },
    });
    expect(api.status).toBe(401);
    expect(api.body.errors).toMatch(/^\[API\] Invalid API key or access token/);
    clock.advance(3601_000);
    await admin(sandbox.url, '/tokens/expire', { provider: 'shopify', account: SHOP });
  });

  it('orders: Link pagination walks every page, ids straddle 2^53 and match the export; previous works', async () => {
    const token = String((await install(false)).access_token);
    const headers = { 'x-shopify-access-token': token };
    let url: string | undefined = `${shop}/admin/api/2026-07/orders.json?status=any&limit=250&order=updated_at%20asc`;
    const ids: string[] = [];
    const links: string[] = [];
    while (url) {
      const r: JsonResponse = await call(url, { headers });
      expect(r.status).toBe(200);
      ids.push(...rawIds(r.text));
      const link: string = r.headers.get('link') ?? '';
      links.push(link);
      url = /<([^>]+)>; rel="next"/.exec(link)?.[1];
    }
    expect(ids).toHaveLength(620);
    expect(new Set(ids).size).toBe(620);
    expect(ids.some((id) => BigInt(id) > 2n ** 53n) && ids.some((id) => BigInt(id) < 2n ** 53n)).toBe(true);
    expect(new Set(ids.map((id) => Number(id))).size).toBeLessThan(620);
    const exported = await call(`${sandbox.url}/_admin/data/export?provider=shopify&account=${SHOP}&entity=orders`);
    const truth = [...exported.text.matchAll(/^\{"id":(\d+)/gm)].map((m) => m[1]);
    expect(new Set(ids)).toEqual(new Set(truth));
    expect(links[0]).not.toContain('rel="previous"');
    const previous = /<([^>]+)>; rel="previous"/.exec(links[1] ?? '')?.[1] ?? '';
    const back = await call(previous, { headers });
    expect(rawIds(back.text)).toEqual(ids.slice(0, 250));
  });

  it('orders: default status=open, updated_at_min, page_info cannot carry filters', async () => {
    const headers = { 'x-shopify-access-token': String((await install(false)).access_token) };
    const open = await call<{ orders: { financial_status: string; updated_at: string }[] }>(
      `${shop}/admin/api/2026-07/orders.json?limit=250`,
      { headers },
    );
    expect(open.body.orders.every((o) => o.financial_status === 'pending')).toBe(true);
    const min = '2025-12-20T00:00:00-05:00';
    const recent = await call<{ orders: { updated_at: string; total_price: string }[] }>(
      `${shop}/admin/api/2026-07/orders.json?status=any&limit=250&updated_at_min=${encodeURIComponent(min)}`,
      { headers },
    );
    expect(recent.body.orders.length).toBeGreaterThan(0);
    expect(recent.body.orders.every((o) => Date.parse(o.updated_at) >= Date.parse(min))).toBe(true);
    expect(recent.body.orders[0]?.total_price).toMatch(/^\d+\.\d{2}$/);
    const first = await call(`${shop}/admin/api/2026-07/orders.json?status=any&limit=5`, { headers });
    const next = /<([^>]+)>; rel="next"/.exec(first.headers.get('link') ?? '')?.[1] ?? '';
    const mixed = await call(`${next}&status=any`, { headers });
    expect(mixed.status).toBe(400);
    const tooBig = await call(`${shop}/admin/api/2026-07/orders.json?limit=251`, { headers });
    expect(tooBig.status).toBe(400);
  });

  it('leaky bucket: 40 calls fill it, the 41st gets 429 + Retry-After 2.0; draining frees room', async () => {
    await admin(sandbox.url, '/accounts', { provider: 'shopify', account: 'bucket-shop.myshopify.com' });
    const r = await authorizeRedirect(
      `${sandbox.url}/shopify/bucket-shop.myshopify.com/admin/oauth/authorize?client_id=${APP.clientId}&scope=read_orders&redirect_uri=${encodeURIComponent(APP.redirectUris[0] ?? '')}`,
    );
    const token = await postJson(`${sandbox.url}/shopify/bucket-shop.myshopify.com/admin/oauth/access_token`, {
      client_id: APP.clientId,
      client_secret: APP.clientSecret,
      code: r.location?.searchParams.get('code'),
    });
    const headers = { 'x-shopify-access-token': String(token.body.access_token) };
    const url = `${sandbox.url}/shopify/bucket-shop.myshopify.com/admin/api/2026-07/locations.json`;
    for (let i = 1; i <= 40; i++) {
      const ok = await call(url, { headers });
      expect(ok.headers.get('x-shopify-shop-api-call-limit')).toBe(`${i}/40`);
    }
    const limited = await call(url, { headers });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('2.0');
    const entry = sandbox.ledger({ account: 'bucket-shop.myshopify.com', endpoint: 'shopify.locations' }).at(-1);
    expect(entry).toMatchObject({ status: 429, retryAfterUntil: clock.now() + 2000 });
    clock.advance(2000);
    const after = await call(url, { headers });
    expect(after.status).toBe(200);
    expect(after.headers.get('x-shopify-shop-api-call-limit')).toBe('37/40');
  });

  it('inventory levels need a filter; products and levels carry big ids and decimal prices', async () => {
    const headers = { 'x-shopify-access-token': String((await install(false)).access_token) };
    const none = await call(`${shop}/admin/api/2026-07/inventory_levels.json`, { headers });
    expect(none.status).toBe(400);
    const locations = await call<{ locations: { id: number }[] }>(`${shop}/admin/api/2026-07/locations.json`, {
      headers,
    });
    const levels = await call(
      `${shop}/admin/api/2026-07/inventory_levels.json?location_ids=${locations.body.locations[0]?.id ?? 0}&limit=250`,
      { headers },
    );
    expect(levels.text).toMatch(/"inventory_item_id":\d{16,}/);
    const products = await call(`${shop}/admin/api/2026-07/products.json?limit=3`, { headers });
    expect(products.text).toMatch(/"price":"\d+\.\d{2}"/);
    expect(products.text).toMatch(/"admin_graphql_api_id":"gid:\/\/shopify\/Product\/\d+"/);
    const badShop = await call(`${sandbox.url}/shopify/evil.com/admin/api/2026-07/shop.json`, { headers });
    expect(badShop.status).toBe(404);
  });
});
