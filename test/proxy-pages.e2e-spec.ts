import type { NatsConnection } from '@nats-io/transport-node';
import { providerPageChunk, providerRequestContract } from '@shelflink/contracts';
import { requestChunks } from '@shelflink/messaging';
import { eventually, startService, type ServiceProcess } from '@shelflink/testing';
import {
  exportEntity,
  mintShopifyToken,
  mintSquareToken,
  SHOPIFY_APP,
  SQUARE_APP,
} from '../apps/sync-service/test/sandbox-accounts.js';
import { createNetSuiteConnection, startAuthStack, syncServiceEnv, type AuthStack } from './auth-harness.js';
import { metricSample } from './metric-sample.js';
import { cliError, operatorCli } from './operator-cli.js';
import { connectWithToken } from './routing-harness.js';

const MERCHANT = 'MPAGES1';
const SHOP = 'proxy-pages.myshopify.com';
const CHUNK_ITEMS = 300;

// Paginated proxy requests (`paginate: true`, `Shelflink-Paginate: true`) over the catalog's pagination entries:
// every id exactly once, in chunks no larger than PROXY_CHUNK_ITEMS.
describe('provider proxy: all pages (e2e)', () => {
  let stack: AuthStack;
  let sync: ServiceProcess;
  let operator: NatsConnection;
  const ids = { square: '', shopify: '' };

  beforeAll(async () => {
    stack = await startAuthStack({ prefix: 'e2e_proxy_pages' });
    stack.sandbox.registerApp(SQUARE_APP);
    stack.sandbox.registerApp(SHOPIFY_APP);
    stack.sandbox.registerAccount({ provider: 'square', account: MERCHANT, locations: 1, products: 5_000, orders: 1 });
    stack.sandbox.registerAccount({ provider: 'shopify', account: SHOP, locations: 1, products: 1, orders: 10_000 });
    sync = await startService(
      'sync-service',
      syncServiceEnv(stack, {
        PROXY_CHUNK_ITEMS: String(CHUNK_ITEMS),
        SYNC_RATE_LIMITS: JSON.stringify({ shopify: { capacity: 40, refillPerSecond: 20 } }),
      }),
    );
    ids.square = await connectWithToken(stack, stack.apiKey, {
      provider: 'square',
      alias: 'sq',
      accessToken: await mintSquareToken(stack.sandbox.url, MERCHANT),
      metadata: { merchantId: MERCHANT },
    });
    ids.shopify = await connectWithToken(stack, stack.apiKey, {
      provider: 'shopify',
      alias: 'shop',
      accessToken: await mintShopifyToken(stack.sandbox.url, SHOP),
      metadata: { shop: SHOP },
    });
    operator = await stack.nats.connectAs('operator');
  });

  afterAll(async () => {
    await operator?.close();
    await sync?.stop();
    await stack?.close();
  });

  it('walks 10,000 Shopify orders by Link rel="next" over HTTP as NDJSON, each id once', async () => {
    const response = await fetch(
      `${stack.gateway.url}/api/v1/connections/${ids.shopify}/proxy/orders.json?status=any&limit=250`,
      { headers: { authorization: `Bearer ${stack.apiKey}`, 'shelflink-paginate': 'true' } },
    );
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/x-ndjson');
    const seen = new Set<string>();
    let lines = 0;
    let buffered = '';
    const decoder = new TextDecoder();
    for await (const part of response.body as AsyncIterable<Uint8Array>) {
      buffered += decoder.decode(part, { stream: true });
      const complete = buffered.split('\n');
      buffered = complete.pop() ?? '';
      for (const line of complete) {
        lines += 1;
        seen.add(String((JSON.parse(line) as { id: number | string }).id));
      }
    }
    const expected = await exportEntity(stack.sandbox.url, 'shopify', SHOP, 'orders');
    expect(expected).toHaveLength(10_000);
    expect(lines).toBe(10_000);
    expect(seen).toEqual(new Set(expected.map((order) => String(order.id))));
    // 40 pages of 250, none fetched twice. A page the sandbox's own leaky bucket refused (429) is retried after its
    // Retry-After, which a walk as fast as this one can meet: only the pages served count.
    const calls = stack.sandbox.ledger({ provider: 'shopify', endpoint: 'shopify.orders' });
    expect(calls.filter((call) => call.status === 200)).toHaveLength(40);
  });

  it('walks 5,000 Square catalog objects by body cursor over NATS in bounded chunks, each id once', async () => {
    const chunks = requestChunks(
      operator,
      '_INBOX_operator',
      providerRequestContract,
      providerRequestContract.subject,
      {
        tenantId: stack.tenantId,
        connectionId: ids.square,
        method: 'POST',
        path: '/v2/catalog/search',
        json: { object_types: ['ITEM'], limit: 1000 },
        paginate: true,
      },
      providerPageChunk,
      30_000,
    );
    const seen = new Set<string>();
    let items = 0;
    let sizes: number[] = [];
    let last: { pages?: number; total?: number; truncated?: boolean } = {};
    for await (const chunk of chunks) {
      sizes = [...sizes, chunk.items.length];
      for (const item of chunk.items) {
        items += 1;
        seen.add((item as { id: string }).id);
      }
      last = chunk;
    }
    const expected = (await exportEntity(stack.sandbox.url, 'square', MERCHANT, 'catalog')).filter(
      (object) => object.type === 'ITEM',
    );
    expect(expected).toHaveLength(5_000);
    expect(items).toBe(5_000);
    expect(seen).toEqual(new Set(expected.map((object) => String(object.id))));
    expect(Math.max(...sizes)).toBeLessThanOrEqual(CHUNK_ITEMS);
    expect(last).toMatchObject({ pages: 5, total: 5_000, truncated: false });
  });

  it('stops at the page and item caps and says so', async () => {
    const before = stack.sandbox.ledger({ provider: 'square' }).length;
    const walk = (caps: { maxPages?: number; maxItems?: number }) =>
      requestChunks(
        operator,
        '_INBOX_operator',
        providerRequestContract,
        providerRequestContract.subject,
        {
          tenantId: stack.tenantId,
          connectionId: ids.square,
          method: 'POST',
          path: '/v2/catalog/search',
          json: { object_types: ['ITEM'], limit: 100 },
          paginate: true,
          ...caps,
        },
        providerPageChunk,
        30_000,
      );
    const ends = async (caps: { maxPages?: number; maxItems?: number }) => {
      let count = 0;
      let last: unknown;
      for await (const chunk of walk(caps)) {
        count += chunk.items.length;
        last = chunk;
      }
      return { count, last };
    };
    await expect(ends({ maxPages: 3 })).resolves.toMatchObject({ count: 300, last: { pages: 3, truncated: true } });
    await expect(ends({ maxItems: 150 })).resolves.toMatchObject({ count: 150, last: { pages: 2, truncated: true } });
    // 3 + 2 pages: no page past a cap was fetched.
    expect(stack.sandbox.ledger({ provider: 'square' }).length - before).toBe(5);
  });

  /** Paginated walks sync-service ended with this outcome (`UNAVAILABLE`: the requester cancelled). */
  const walksEnded = (outcome: string) =>
    metricSample(sync.url, 'shelflink_nats_requests_total', { subject: 'provider.request.v1', outcome });
  /** Order pages the sandbox served (a 429 from its own leaky bucket is retried, not a page fetched). */
  const ordersFetched = () =>
    stack.sandbox.ledger({ provider: 'shopify', endpoint: 'shopify.orders' }).filter((call) => call.status === 200)
      .length;

  it('fetches no page past the chunks the requester may hold unread, and stops when it leaves', async () => {
    const [pagesBefore, cancelledBefore] = [ordersFetched(), await walksEnded('UNAVAILABLE')];
    const walk = requestChunks(
      operator,
      '_INBOX_operator',
      providerRequestContract,
      providerRequestContract.subject,
      {
        tenantId: stack.tenantId,
        connectionId: ids.shopify,
        method: 'GET',
        path: '/orders.json?status=any&limit=250',
        paginate: true,
      },
      providerPageChunk,
      30_000,
      1,
    );
    const first = await walk.next();
    expect(first.value?.items).toHaveLength(CHUNK_ITEMS);
    await walk.return();
    await eventually(async () => (await walksEnded('UNAVAILABLE')) > cancelledBefore);
    // One chunk of window: the walk waited after its first chunk (300 items, 2 pages of 250), then was cancelled.
    expect(ordersFetched() - pagesBefore).toBe(2);
  });

  it('cancels the walk when the HTTP client goes away mid-stream', async () => {
    const [pagesBefore, cancelledBefore] = [ordersFetched(), await walksEnded('UNAVAILABLE')];
    const client = new AbortController();
    const response = await fetch(
      `${stack.gateway.url}/api/v1/connections/${ids.shopify}/proxy/orders.json?status=any&limit=250`,
      {
        headers: { authorization: `Bearer ${stack.apiKey}`, 'shelflink-paginate': 'true' },
        signal: client.signal,
      },
    );
    const first = await (response.body as ReadableStream<Uint8Array>).getReader().read();
    expect(first.value?.byteLength).toBeGreaterThan(0);
    client.abort();
    await eventually(async () => (await walksEnded('UNAVAILABLE')) > cancelledBefore);
    expect(ordersFetched() - pagesBefore).toBeLessThan(40);
  });

  it('refuses to paginate a path the catalog knows no pagination for', async () => {
    const walk = requestChunks(
      operator,
      '_INBOX_operator',
      providerRequestContract,
      providerRequestContract.subject,
      { tenantId: stack.tenantId, connectionId: ids.square, method: 'GET', path: '/v2/merchants/me', paginate: true },
      providerPageChunk,
      30_000,
    );
    await expect(walk.next()).rejects.toMatchObject({ code: 'INVALID_REQUEST' });
  });

  describe('the operator CLI on the proxy', () => {
    const cli = (args: string[]) => operatorCli(stack.nats)(args);

    it('lists accounts by alias and tests one through the proxy', async () => {
      const listed = await cli(['accounts', 'list', '--tenant', stack.tenantId, '--provider', 'square']);
      expect(listed.code).toBe(0);
      expect(JSON.parse(listed.stdout)).toEqual({
        accounts: [{ tenantId: stack.tenantId, provider: 'square', alias: 'sq', id: ids.square, status: 'active' }],
      });
      const tested = await cli(['test', stack.tenantId, 'shop']);
      expect(tested.code).toBe(0);
      expect(JSON.parse(tested.stdout)).toMatchObject({
        ok: true,
        status: 200,
        provider: 'shopify',
        path: '/shop.json',
      });
    });

    it('calls the API by alias, as JSON or a table, and walks pages up to a cap', async () => {
      const one = await cli(['api', stack.tenantId, 'sq', 'GET', '/v2/locations']);
      expect(one.code).toBe(0);
      expect(JSON.parse(one.stdout)).toMatchObject({ status: 200, body: { locations: [expect.any(Object)] } });
      const table = await cli(['api', stack.tenantId, 'sq', 'GET', '/v2/locations', '--format', 'table']);
      expect(table.stdout.split('\n')[0]).toMatch(/^id\s+.*name/);
      const pages = await cli([
        'api',
        stack.tenantId,
        'shop',
        'GET',
        '/orders.json?status=any',
        '--all-pages',
        '--max',
        '300',
      ]);
      expect(pages.code).toBe(0);
      const orders = JSON.parse(pages.stdout) as { id: number }[];
      expect(new Set(orders.map((order) => order.id)).size).toBe(300);
    });

    it("sends NetSuite SuiteQL's required Prefer: transient with --header, through TBA signing", async () => {
      const netsuite = await createNetSuiteConnection(stack, 'TSTDRV25');
      expect(netsuite.status).toBe(201);
      const suiteql = (...header: string[]) =>
        cli([
          'api',
          stack.tenantId,
          netsuite.body.id,
          'POST',
          '/query/v1/suiteql?limit=2',
          ...header,
          '--data',
          '{"q":"SELECT id, itemid FROM item ORDER BY id"}',
        ]);
      const refused = await suiteql();
      expect(refused.code).toBe(1);
      expect(JSON.parse(refused.stdout)).toMatchObject({ status: 400 });
      const answered = await suiteql('--header', 'Prefer: transient');
      expect(answered.code).toBe(0);
      const { status, body } = JSON.parse(answered.stdout) as { status: number; body: { items: unknown[] } };
      expect({ status, items: body.items.length }).toEqual({ status: 200, items: 2 });
      const calls = stack.sandbox.ledger({ provider: 'netsuite', endpoint: 'netsuite.suiteql' }).slice(-2);
      expect(calls.map((call) => [call.authKind, call.status])).toEqual([
        ['oauth1', 400],
        ['oauth1', 200],
      ]);
    });

    it('exits 1 with a stable code for a hostile path and an unknown alias', async () => {
      const hostile = await cli(['api', stack.tenantId, 'sq', 'GET', '/v2/../../_admin/ledger']);
      expect(hostile.code).toBe(1);
      expect(cliError(hostile).code).toBe('INVALID_REQUEST');
      const unknown = await cli(['api', stack.tenantId, 'nope', 'GET', '/v2/locations']);
      expect(cliError(unknown).code).toBe('NOT_FOUND');
    });
  });
});
