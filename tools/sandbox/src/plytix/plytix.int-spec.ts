import type { RunningSandbox } from '../sandbox.js';
import { admin, call, postJson, useSandbox } from '../sandbox.test-kit.js';

interface Hit {
  id: string;
  sku: string;
  gtin?: string;
  modified?: string;
  attributes?: Record<string, unknown>;
}
interface SearchPage {
  data: Hit[];
  pagination: { count: number; page: number; page_size: number; total_count: number };
}

describe('Plytix sandbox', () => {
  const { clock, sandbox: running } = useSandbox({
    apps: [
      { provider: 'plytix', clientId: 'plx-key', clientSecret: 'plx-password' },
      { provider: 'plytix', clientId: 'plx-busy', clientSecret: 'busy-password' },
    ],
    accounts: [
      {
        provider: 'plytix',
        account: 'plx-key',
        products: 250,
        accessTokenTtlSeconds: 60,
        rateLimit: { requests: 1000, seconds: 10 },
      },
      { provider: 'plytix', account: 'plx-busy', products: 10 },
    ],
  });
  let sandbox: RunningSandbox;
  beforeAll(() => void (sandbox = running()));

  async function login(key = 'plx-key', password = 'plx-password'): Promise<Record<string, string>> {
    const token = await postJson<{ data: { access_token: string }[] }>(`${sandbox.url}/plytix/auth/api/get-token`, {
      api_key: key,
      api_password: password,
    });
    expect(token.status).toBe(200);
    return { authorization: `Bearer ${token.body.data[0]?.access_token ?? ''}` };
  }

  async function exported(entity: string): Promise<Record<string, unknown>[]> {
    const res = await call(`${sandbox.url}/_admin/data/export?provider=plytix&account=plx-key&entity=${entity}`);
    return res.text
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  }

  it('issues a token that expires after the configured lifetime; a new login works again', async () => {
    const headers = await login();
    const claims = JSON.parse(Buffer.from(headers.authorization?.split('.')[1] ?? '', 'base64url').toString()) as {
      iat: number;
      exp: number;
    };
    expect(claims.exp - claims.iat).toBe(60);
    await expect(call(`${sandbox.url}/plytix/api/v1/filters/product`, { headers })).resolves.toMatchObject({
      status: 200,
    });
    clock.advance(60_000);
    await expect(call(`${sandbox.url}/plytix/api/v1/filters/product`, { headers })).resolves.toMatchObject({
      status: 401,
    });
    await expect(
      call(`${sandbox.url}/plytix/api/v1/filters/product`, { headers: await login() }),
    ).resolves.toMatchObject({
      status: 200,
    });
  });

  it('pages product search to the export, with requested attributes; v3 next_page walks the same products', async () => {
    const headers = await login();
    const hits: Hit[] = [];
    for (let page = 1; ; page++) {
      const res = await postJson<SearchPage>(
        `${sandbox.url}/plytix/api/v1/products/search`,
        { attributes: ['gtin', 'modified', 'attributes.stock'], pagination: { page, page_size: 100, order: 'sku' } },
        headers,
      );
      expect(res.status).toBe(200);
      hits.push(...res.body.data);
      if (page * 100 >= res.body.pagination.total_count) break;
    }
    const products = await exported('products');
    expect(hits).toEqual(
      products.map((p) => ({
        id: p.id,
        sku: p.sku,
        gtin: p.gtin,
        modified: p.modified,
        attributes: { stock: (p.attributes as Record<string, unknown>).stock },
      })),
    );
    expect(hits[0]?.gtin).toMatch(/^\d{13}$/);
    const v3: unknown[] = [];
    let next: string | null = `${sandbox.url}/plytix/api/v3/products?_page_size=100&_sort_by=id`;
    while (next) {
      const res: { body: { data: unknown[]; pagination: { next_page: string | null } } } = await call(next, {
        headers,
      });
      v3.push(...res.body.data);
      next = res.body.pagination.next_page;
    }
    expect(v3).toEqual(products);
    const one = await call<{ data: unknown[] }>(`${sandbox.url}/plytix/api/v1/products/${hits[7]?.id ?? ''}`, {
      headers,
    });
    expect(one.body.data[0]).toEqual(products[7]);
    const assets = await postJson<{ data: unknown[] }>(
      `${sandbox.url}/plytix/api/v1/assets/search`,
      { pagination: { page: 3, page_size: 100 } },
      headers,
    );
    expect(assets.body.data).toEqual((await exported('assets')).slice(200));
    await expect(
      postJson(`${sandbox.url}/plytix/api/v1/products/search`, { pagination: { page_size: 101 } }, headers),
    ).resolves.toMatchObject({
      status: 400,
    });
  });

  it('filters on modified to find only the changed products', async () => {
    const headers = await login();
    clock.advance(1000);
    const since = new Date(clock.now()).toISOString();
    await admin(sandbox.url, '/data/mutate', { provider: 'plytix', account: 'plx-key', products: 12 });
    const res = await postJson<SearchPage>(
      `${sandbox.url}/plytix/api/v1/products/search`,
      {
        filters: [[{ field: 'modified', operator: 'gte', value: since }]],
        pagination: { page: 1, page_size: 100, order: 'modified' },
      },
      headers,
    );
    expect(res.body.pagination.total_count).toBe(12);
    const v3 = await call<{ data: unknown[] }>(
      `${sandbox.url}/plytix/api/v3/products?modified[gte]=${encodeURIComponent(since)}&_page_size=5`,
      {
        headers,
      },
    );
    expect(v3.body.data).toHaveLength(5);
  });

  it('refuses the 21st request in 10 seconds with 429 and Retry-After; the ledger never shows more than 20 accepted', async () => {
    const headers = await login('plx-busy', 'busy-password');
    const statuses: number[] = [];
    for (let n = 0; n < 24; n++) {
      clock.advance(100);
      const res = await postJson(`${sandbox.url}/plytix/api/v1/products/search`, {}, headers);
      statuses.push(res.status);
      if (res.status === 429) expect(res.headers.get('retry-after')).toBe('8');
    }
    expect(statuses.filter((s) => s === 200)).toHaveLength(20);
    expect(statuses.slice(20)).toEqual([429, 429, 429, 429]);
    clock.advance(10_000);
    await expect(postJson(`${sandbox.url}/plytix/api/v1/products/search`, {}, headers)).resolves.toMatchObject({
      status: 200,
    });
    const accepted = sandbox
      .ledger({ provider: 'plytix', account: 'plx-busy', endpoint: 'plytix.products.search' })
      .filter((e) => e.status === 200);
    for (const entry of accepted)
      expect(accepted.filter((e) => e.at > entry.at - 10_000 && e.at <= entry.at).length).toBeLessThanOrEqual(20);
  });
});
