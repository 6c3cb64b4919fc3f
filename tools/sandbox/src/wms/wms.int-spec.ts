import { mintOAuth2Token } from '../oauth/token-mint.client.js';
import type { RunningSandbox } from '../sandbox.js';
import { call, useSandbox, type JsonResponse } from '../sandbox.test-kit.js';

const APP = {
  provider: 'oauth2' as const,
  clientId: 'wms-client',
  clientSecret: 'wms-secret',
  redirectUris: ['http://127.0.0.1/callback'],
};
type StockPage = { data: { sku: string; warehouse_id: string; updated_at: string }[]; next_cursor: string | null };

describe('sandbox WMS', () => {
  const { sandbox: running } = useSandbox({
    apps: [APP],
    accounts: [
      { provider: 'oauth2', account: 'dc-1', locations: 2, products: 12 },
      { provider: 'oauth2', account: 'dc-slow', locations: 1, products: 2, rateLimit: { requests: 2, seconds: 10 } },
    ],
  });
  let sandbox: RunningSandbox;
  let headers: Record<string, string>;
  beforeAll(async () => {
    sandbox = running();
    headers = { authorization: `Bearer ${await mintOAuth2Token(sandbox.url, APP, 'dc-1', 'stock.read')}` };
  });

  it('pages stock oldest change first with query-bound cursors; every page equals the export', async () => {
    const rows: StockPage['data'] = [];
    let url: string | null = `${sandbox.url}/wms/v1/stock?limit=7`;
    while (url) {
      const page: JsonResponse<StockPage> = await call<StockPage>(url, { headers });
      expect(page.status).toBe(200);
      rows.push(...page.body.data);
      url = page.body.next_cursor ? `${sandbox.url}/wms/v1/stock?limit=7&cursor=${page.body.next_cursor}` : null;
    }
    const exported = await call(`${sandbox.url}/_admin/data/export?provider=oauth2&account=dc-1&entity=stock`);
    expect(rows.map((r) => JSON.stringify(r)).join('\n')).toBe(exported.text.trim());
    const times = rows.map((r) => Date.parse(r.updated_at));
    expect(times).toEqual([...times].sort((a, b) => a - b));

    const since = rows[Math.floor(rows.length / 2)]?.updated_at ?? '';
    const recent = await call<StockPage>(`${sandbox.url}/wms/v1/stock?limit=500&updated_since=${since}`, { headers });
    expect(recent.body.data).toEqual(rows.filter((r) => r.updated_at >= since));
  });

  it('refuses a cursor of another query, a bad limit, a missing token; 429 with Retry-After past the window', async () => {
    const first = await call<StockPage>(`${sandbox.url}/wms/v1/stock?limit=1`, { headers });
    const other = await call(
      `${sandbox.url}/wms/v1/stock?updated_since=2026-01-01T00:00:00Z&cursor=${first.body.next_cursor}`,
      {
        headers,
      },
    );
    expect([other.status, other.body]).toEqual([
      400,
      { errors: [{ code: 'invalid_cursor', message: 'The cursor is invalid for this query', field: 'cursor' }] },
    ]);
    expect((await call(`${sandbox.url}/wms/v1/stock?limit=501`, { headers })).status).toBe(400);
    expect((await call(`${sandbox.url}/wms/v1/warehouses`)).status).toBe(401);

    const slow = { authorization: `Bearer ${await mintOAuth2Token(sandbox.url, APP, 'dc-slow', 'stock.read')}` };
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push(await call(`${sandbox.url}/wms/v1/warehouses`, { headers: slow }));
    expect(statuses.map((s) => s.status)).toEqual([200, 200, 429]);
    expect(Number(statuses[2]?.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});
