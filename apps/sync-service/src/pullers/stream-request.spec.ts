import { getCatalogProvider, nextCursor, type StreamSpec } from '@shelflink/providers';
import type { ProviderAccount } from '../provider/provider-catalog.service.js';
import { chainRequest, resumeRequest, toPageRequest, withParam } from './stream-request.js';

const stream = (provider: string, name: 'locations' | 'products' | 'inventory' | 'orders'): StreamSpec => {
  const spec = getCatalogProvider(provider).streams[name];
  if (!spec) throw new Error(`${provider} has no ${name}`);
  return spec;
};
const account = (baseUrl: string): ProviderAccount => ({ baseUrl, provider: 'x' }) as unknown as ProviderAccount;
const start = (watermark: string | null, partition = 'all') => ({
  account: account('https://api.example.com/base'),
  partition,
  watermark,
  pageSize: 5000,
  slice: null,
});

describe('catalog-driven requests', () => {
  it('Square orders: body template, page size capped by the provider, one location per chain, the watermark', () => {
    const request = chainRequest(stream('square', 'orders'), start('2026-01-01T00:00:00Z', 'L1'));
    expect(request).toEqual({
      method: 'POST',
      path: '/v2/orders/search',
      body: {
        query: {
          sort: { sort_field: 'UPDATED_AT', sort_order: 'ASC' },
          filter: { date_time_filter: { updated_at: { start_at: '2026-01-01T00:00:00Z' } } },
        },
        limit: 1000,
        location_ids: ['L1'],
      },
    });
    // The catalog's template is copied, never changed.
    expect(stream('square', 'orders').body).toEqual({
      query: { sort: { sort_field: 'UPDATED_AT', sort_order: 'ASC' } },
    });
    const resumed = resumeRequest(stream('square', 'orders').pagination, start(null).account, request, 'c1');
    expect(resumed.body).toEqual({ ...request.body, cursor: 'c1' });
  });

  it('Shopify: the next cursor is the rel="next" URL with only limit and page_info; resuming follows it', () => {
    const spec = stream('shopify', 'orders');
    const base = 'https://s.myshopify.com/admin/api/x';
    const request = chainRequest(spec, { ...start('2026-01-01T00:00:00Z'), account: account(base) });
    expect(request.path).toBe(
      '/orders.json?status=any&limit=250&order=updated_at+asc&updated_at_min=2026-01-01T00%3A00%3A00Z',
    );
    const link = `<${base}/orders.json?limit=50&page_info=prev>; rel="previous", <${base}/orders.json?limit=50&page_info=abc&status=any>; rel="next"`;
    const page = { request: toPageRequest(account(base), request), body: {}, itemCount: 50 };
    const cursor = nextCursor(spec.pagination, { ...page, response: { status: 200, headers: { link }, bodyText: '' } });
    expect(cursor).toBe(`${base}/orders.json?limit=50&page_info=abc`);
    expect(resumeRequest(spec.pagination, account(base), request, cursor ?? '').path).toBe(
      '/orders.json?limit=50&page_info=abc',
    );
    expect(
      nextCursor(spec.pagination, { ...page, response: { status: 200, headers: {}, bodyText: '' } }),
    ).toBeUndefined();
  });

  it('a kept cursor outside the API (or not a URL) restarts the chain', () => {
    const spec = stream('shopify', 'orders');
    const request = chainRequest(spec, start(null));
    for (const cursor of ['https://elsewhere.example.com/base/orders.json', 'https://api.example.com/other', 'abc'])
      expect(() => resumeRequest(spec.pagination, start(null).account, request, cursor)).toThrow(
        'the kept page cursor cannot be followed',
      );
  });

  it('an incremental parameter inside an expression (`q:`) is left to the hook', () => {
    const spec: StreamSpec = {
      method: 'POST',
      path: '/query/v1/suiteql',
      body: { q: 'SELECT id FROM item' },
      itemsPath: 'items',
      pagination: {
        style: 'offset-hasmore',
        limitParam: 'limit',
        offsetParam: 'offset',
        hasMoreField: 'hasMore',
        pageSize: 1000,
      },
      pageSize: { param: 'limit', in: 'query', max: 1000 },
      incremental: { requestParam: 'q:lastmodifieddate', itemField: 'lastmodifieddate' },
    };
    const request = chainRequest(spec, { ...start('2026-01-01'), pageSize: 200 });
    expect(request).toEqual({
      method: 'POST',
      path: '/query/v1/suiteql?limit=200',
      body: { q: 'SELECT id FROM item' },
    });
    expect(resumeRequest(spec.pagination, start(null).account, request, '400').path).toBe(
      '/query/v1/suiteql?limit=200&offset=400',
    );
    expect(withParam(request, 'body', 'a.b', 1).body).toEqual({ q: 'SELECT id FROM item', a: { b: 1 } });
  });
});
