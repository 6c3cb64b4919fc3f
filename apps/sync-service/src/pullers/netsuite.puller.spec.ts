import { PROVIDER_CATALOG } from '@shelflink/providers';
import type { SyncConfig } from '../config/sync.config.js';
import type { ProviderAccount, ProviderCatalog } from '../provider/provider-catalog.service.js';
import type { ProviderHttpClient, ProviderRequest } from '../provider/provider-http.client.js';
import { NetSuitePuller } from './netsuite.puller.js';

const account = { provider: 'netsuite', connection: { metadata: { currency: 'EUR' } } } as unknown as ProviderAccount;
const catalog = { definition: () => PROVIDER_CATALOG.netsuite } as unknown as ProviderCatalog;
const config = { SYNC_PAGE_SIZE: 100, SYNC_SUITEQL_MAX_ROWS: 100_000 } as SyncConfig;
const HEADER = { id: '42', tranid: 'SO42', type: 'SalesOrd', status: 'B', foreigntotal: '10.00' };
const LINE = { transaction: '42', id: '1', item: '7', quantity: '-2', rate: '5.00', netamount: '-10.00' };

/** A NetSuite answering the order lookup with one header, and its lines. */
function netsuite(): { puller: NetSuitePuller; sent: ProviderRequest[] } {
  const sent: ProviderRequest[] = [];
  const send = (_account: ProviderAccount, request: ProviderRequest) => {
    sent.push(request);
    const q = String((request.body as { q?: string }).q);
    const items = q.includes('FROM transactionline') ? [LINE] : [HEADER];
    return Promise.resolve({ status: 200, headers: new Headers(), text: JSON.stringify({ items, hasMore: false }) });
  };
  const http = { send } as unknown as ProviderHttpClient;
  return { puller: new NetSuitePuller(http, catalog, config), sent };
}

describe('NetSuite order lookup (the catalog lookup plus the lines hook)', () => {
  it("fetches one order by id through the catalog's query, with its item lines", async () => {
    const { puller, sent } = netsuite();
    const order = await puller.fetchOrder(account, '42');
    expect(order).toMatchObject({
      externalId: '42',
      columns: { currency: 'EUR', total_minor: '1000' },
      data: { lineItems: [{ variantExternalId: '7', quantity: '2' }] },
    });
    expect(sent.map((r) => [r.method, r.path, r.headers])).toEqual([
      ['POST', '/query/v1/suiteql?limit=1', { Prefer: 'transient' }],
      ['POST', '/query/v1/suiteql?limit=1000&offset=0', { Prefer: 'transient' }],
    ]);
    expect((sent[0]?.body as { q: string }).q).toMatch(
      /FROM transaction WHERE type IN \(.*\) AND id = 42 ORDER BY id$/,
    );
    expect((sent[1]?.body as { q: string }).q).toContain('WHERE transaction IN (42)');
  });

  it('asks nothing for an id that is not digits (it would be written into the query)', async () => {
    const { puller, sent } = netsuite();
    await expect(puller.fetchOrder(account, '1 OR 1=1')).resolves.toBeNull();
    expect(sent).toEqual([]);
  });
});
