import { fileURLToPath } from 'node:url';
import {
  loadProviderConfig,
  PageWalkError,
  SQUARE_API_VERSION,
  verifyWebhook,
  walkPages,
  webhookNotificationUrl,
  type ResolvedProvider,
  type ResolvedProviders,
  type StreamSpec,
} from '@shelflink/providers';
import { startSandbox, type RunningSandbox } from '@shelflink/sandbox';
import {
  exportRecords,
  fetchSend,
  field,
  startReceiver,
  streamRequest,
  countKey,
  levelKey,
  required,
  uniqueSet,
  variationIds,
  walkAll,
} from './sandbox-conformance.test-kit.js';
import { connectOAuth, REDIRECT_URI } from './sandbox-oauth.test-kit.js';

const CONFIG = fileURLToPath(new URL('../config/providers.sandbox.json', import.meta.url));
const MERCHANT = 'MLCONFORMANCE1';
const SHOP = 'conformance-store.myshopify.com';
// Big enough for several pages at the catalog's page sizes (Shopify 250, Square 100/500/1000), small enough for seconds.
const SIZES = { locations: 2, products: 260, orders: 520 };
const TWO_TO_53 = 2n ** 53n;

describe('catalog pagination and webhook verifiers against the sandbox', () => {
  let now = Date.UTC(2026, 1, 1);
  let sandbox: RunningSandbox;
  let square: ResolvedProvider;
  let shopify: ResolvedProvider;
  let squareToken: string;
  let shopifyToken: string;
  let providers: ResolvedProviders;

  beforeAll(async () => {
    sandbox = await startSandbox({ seed: 3, clock: () => now });
    providers = loadProviderConfig({
      path: CONFIG,
      env: {},
      sandboxUrl: sandbox.url,
      gatewayUrl: 'https://gateway.example.com',
    });
    square = required(providers.get('square'));
    shopify = required(providers.get('shopify'));
    for (const [provider, account] of [
      [square, MERCHANT],
      [shopify, SHOP],
    ] as const) {
      const app = { clientId: provider.clientId ?? '', clientSecret: provider.clientSecret?.reveal() ?? '' };
      const name = provider.key === 'square' ? 'square' : 'shopify';
      sandbox.registerApp({ provider: name, ...app, redirectUris: [REDIRECT_URI] });
      sandbox.registerAccount({ provider: name, account, ...SIZES });
    }
    squareToken = await connectOAuth(square, {}, { sandbox_account: MERCHANT });
    shopifyToken = await connectOAuth(shopify, { shop: SHOP });
  });
  afterAll(async () => sandbox.close());
  // Lets Shopify's leaky bucket drain between tests (the sandbox clock drives it).
  beforeEach(() => void (now += 60_000));

  const squareStream = (name: 'locations' | 'products' | 'inventory' | 'orders'): StreamSpec =>
    required(square.definition.streams[name]);
  const shopifyStream = (name: 'locations' | 'products' | 'inventory' | 'orders'): StreamSpec =>
    required(shopify.definition.streams[name]);
  const truth = (provider: string, entity: string) =>
    exportRecords(sandbox.url, provider, provider === 'square' ? MERCHANT : SHOP, entity);
  const arm = async (fault: Record<string, unknown>): Promise<void> => {
    const response = await fetch(`${sandbox.url}/_admin/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(fault),
    });
    expect(response.status).toBe(201);
  };

  async function squareLocationIds(): Promise<string[]> {
    const pages = await walkAll(
      squareStream('locations'),
      streamRequest(square, squareStream('locations'), squareToken),
    );
    return pages.flat().map((l) => field(l, 'id'));
  }

  function squareFirst(name: 'products' | 'inventory' | 'orders', locationIds: string[] = []) {
    // Request bodies follow the catalog's notes; pagination and everything else come from the entry.
    const bodies = {
      products: { object_types: ['ITEM', 'ITEM_VARIATION'], include_deleted_objects: true },
      inventory: {},
      orders: { location_ids: locationIds, query: { sort: { sort_field: 'UPDATED_AT', sort_order: 'ASC' } } },
    };
    return streamRequest(square, squareStream(name), squareToken, { body: bodies[name] });
  }

  const shopifyFirst = (name: 'locations' | 'products' | 'inventory' | 'orders', query = '') =>
    streamRequest(shopify, shopifyStream(name), shopifyToken, { params: { shop: SHOP }, query });

  describe('Square: every page of each list endpoint', () => {
    it('locations (not paginated) match the export', async () => {
      const ids = uniqueSet(await squareLocationIds());
      const expected = (await truth('square', 'locations')).map((r) => field(r.record, 'id'));
      expect(ids).toEqual(new Set(expected));
      expect(ids.size).toBe(SIZES.locations);
    });

    it('catalog search (body cursor): items and variations match the export', async () => {
      const pages = await walkAll(squareStream('products'), squareFirst('products'));
      expect(pages.length).toBeGreaterThan(1);
      const objects = pages.flat();
      const ofType = (type: string): string[] =>
        objects.filter((o) => field(o, 'type') === type).map((o) => field(o, 'id'));
      const items = (await truth('square', 'catalog')).map((r) => r.record);
      expect(uniqueSet(ofType('ITEM'))).toEqual(new Set(items.map((i) => field(i, 'id'))));
      expect(uniqueSet(ofType('ITEM_VARIATION'))).toEqual(new Set(items.flatMap(variationIds)));
      expect(objects).toHaveLength(ofType('ITEM').length + ofType('ITEM_VARIATION').length);
    });

    it('inventory counts (body cursor) match the export', async () => {
      const pages = await walkAll(squareStream('inventory'), squareFirst('inventory'));
      expect(pages.length).toBeGreaterThan(1);
      const expected = (await truth('square', 'inventory')).map((r) => countKey(r.record));
      expect(uniqueSet(pages.flat().map(countKey))).toEqual(uniqueSet(expected));
    });

    it('orders search (body cursor) matches the export', async () => {
      const pages = await walkAll(squareStream('orders'), squareFirst('orders', await squareLocationIds()));
      expect(pages.length).toBeGreaterThan(1);
      const expected = (await truth('square', 'orders')).map((r) => field(r.record, 'id'));
      expect(uniqueSet(pages.flat().map((o) => field(o, 'id')))).toEqual(uniqueSet(expected));
    });
  });

  describe('Shopify: every page of each list endpoint, 64-bit ids exact', () => {
    it.each([
      ['locations', 'locations', 1],
      ['products', 'products', 2],
      ['orders', 'orders', 3],
    ] as const)('%s (Link header) match the export', async (stream, entity, minPages) => {
      const pages = await walkAll(shopifyStream(stream), shopifyFirst(stream));
      expect(pages.length).toBeGreaterThanOrEqual(minPages);
      const ids = uniqueSet(pages.flat().map((r) => field(r, 'id')));
      const exported = await truth('shopify', entity);
      // Independent oracle: the digits as written on the wire, not via any JSON parser.
      const wire = exported.map((r) => /^\{"id":(\d+)[,}]/.exec(r.raw)?.[1] ?? 'no id on the wire');
      expect(exported.map((r) => field(r.record, 'id'))).toEqual(wire);
      expect(ids).toEqual(uniqueSet(wire));
      if (entity !== 'locations') expect([...ids].some((id) => BigInt(id) > TWO_TO_53)).toBe(true);
    });

    it('inventory_levels (Link header, location_ids required) match the export', async () => {
      const locations = await walkAll(shopifyStream('locations'), shopifyFirst('locations'));
      const locationIds = locations.flat().map((l) => field(l, 'id'));
      const pages = await walkAll(
        shopifyStream('inventory'),
        shopifyFirst('inventory', `&location_ids=${locationIds.join(',')}`),
      );
      expect(pages.length).toBeGreaterThan(1);
      const expected = (await truth('shopify', 'inventory_levels')).map((r) => levelKey(r.record));
      expect(uniqueSet(pages.flat().map(levelKey))).toEqual(uniqueSet(expected));
    });
  });

  describe('faults', () => {
    // Walks page 1, arms the fault, then asks for page 2: the fault meets a real continuation request.
    async function failOnSecondPage(
      stream: StreamSpec,
      first: Parameters<typeof walkPages>[1],
      fault: Record<string, unknown>,
    ) {
      const walk = walkPages(stream, first, fetchSend, { now: () => new Date(now) });
      const page1 = await walk.next();
      expect(page1.done).toBe(false);
      await arm(fault);
      const error: unknown = await walk.next().then(
        () => undefined,
        (e: unknown) => e,
      );
      if (!(error instanceof PageWalkError)) throw new Error('expected a PageWalkError');
      return { firstItems: page1.value ?? [], error };
    }

    it.each([
      ['square', 7, 7000],
      ['shopify', '2.0', 2000],
    ] as const)(
      '%s: a 429 carries the parsed Retry-After; resuming after it completes the walk',
      async (provider, retryAfter, ms) => {
        const isSquare = provider === 'square';
        const stream = isSquare ? squareStream('orders') : shopifyStream('orders');
        const first = isSquare ? squareFirst('orders', await squareLocationIds()) : shopifyFirst('orders');
        const endpoint = isSquare ? 'square.orders.search' : 'shopify.orders';
        const account = isSquare ? MERCHANT : SHOP;
        const { firstItems, error } = await failOnSecondPage(stream, first, {
          provider,
          account,
          kind: 'status429',
          endpoint,
          retryAfter,
        });
        expect(error).toMatchObject({ code: 'RATE_LIMITED', status: 429, retryAfterMs: ms });
        now += error.retryAfterMs ?? 0;
        const rest = await walkAll(stream, required(error.request));
        const ids = [...firstItems, ...rest.flat()].map((o) => field(o, 'id'));
        const expected = (await truth(provider, 'orders')).map((r) => field(r.record, 'id'));
        expect(uniqueSet(ids)).toEqual(uniqueSet(expected));
      },
    );

    it.each(['square', 'shopify'] as const)(
      '%s: an expired cursor is CURSOR_INVALID; restarting completes the walk',
      async (provider) => {
        const isSquare = provider === 'square';
        const stream = isSquare ? squareStream('products') : shopifyStream('products');
        const first = isSquare ? squareFirst('products') : shopifyFirst('products');
        const endpoint = isSquare ? 'square.catalog.search' : 'shopify.products';
        const account = isSquare ? MERCHANT : SHOP;
        const { error } = await failOnSecondPage(stream, first, { provider, account, kind: 'expireCursor', endpoint });
        expect(error).toMatchObject({ code: 'CURSOR_INVALID', status: 400 });
        const ids = (await walkAll(stream, first))
          .flat()
          .filter((o) => (isSquare ? field(o, 'type') === 'ITEM' : true));
        const expected = (await truth(provider, isSquare ? 'catalog' : 'products')).map((r) => field(r.record, 'id'));
        expect(uniqueSet(ids.map((o) => field(o, 'id')))).toEqual(uniqueSet(expected));
      },
    );
  });

  it('ledger: every data call carried the catalog auth header and pinned version; only armed faults failed', () => {
    const data = sandbox.ledger().filter((e) => !e.endpoint.includes('oauth'));
    const squareCalls = data.filter((e) => e.provider === 'square');
    const shopifyCalls = data.filter((e) => e.provider === 'shopify');
    expect(squareCalls.length).toBeGreaterThan(10);
    expect(shopifyCalls.length).toBeGreaterThan(10);
    // Faults answer before the sandbox looks at credentials, so those entries carry no auth kind.
    const authed = (calls: typeof data): typeof data => calls.filter((e) => e.fault === null);
    expect(new Set(authed(squareCalls).map((e) => e.authKind))).toEqual(new Set(['bearer']));
    expect(new Set(authed(squareCalls).map((e) => e.apiVersion))).toEqual(new Set([SQUARE_API_VERSION]));
    expect(new Set(authed(shopifyCalls).map((e) => e.authKind))).toEqual(new Set(['shopify-token']));
    expect(
      data
        .filter((e) => e.status !== 200)
        .map((e) => `${e.provider}:${e.status}:${e.fault ?? ''}`)
        .sort(),
    ).toEqual(['shopify:400:expireCursor', 'shopify:429:status429', 'square:400:expireCursor', 'square:429:status429']);
  });

  describe('sandbox-signed webhooks verify with the catalog verifiers', () => {
    const wrongStandard = `whsec_${Buffer.from('a-wrong-standard-webhooks-secret').toString('base64')}`;

    it.each([
      ['square', 'square', { type: 'order.updated', account: MERCHANT }, 'wrong-square-key'],
      ['shopify', 'shopify', { topic: 'orders/updated', account: SHOP, payload: { id: 9007199254740993 } }, 'wrong'],
      ['standard-webhooks', 'sandbox-events', { type: 'invoice.paid' }, wrongStandard],
      ['jira', 'jira', { type: 'jira:issue_updated' }, 'wrong-jira-secret'],
    ] as const)('%s', async (sender, key, event, wrongSecret) => {
      const provider = required(providers.get(key));
      const secret = required(provider.webhookSecrets[0]).reveal();
      const notificationUrl = webhookNotificationUrl(provider, 'conformance-connection');
      const receiver = await startReceiver();
      try {
        const retries = { max: 1, timeoutMs: 2000, backoffMs: [5] };
        const sent = await fetch(`${sandbox.url}/_admin/webhooks/send`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            provider: sender,
            targetUrl: receiver.url,
            secret,
            notificationUrl,
            retries,
            sync: true,
            ...event,
          }),
        });
        expect(sent.status).toBe(200);
        const delivery = required(receiver.deliveries[0]);
        const input = {
          rawBody: delivery.rawBody,
          headers: delivery.headers,
          now: new Date(now),
          ...(notificationUrl ? { notificationUrl } : {}),
        };
        const scheme = provider.definition.webhook.scheme;
        const verdict = verifyWebhook(scheme, { ...input, secrets: [secret] });
        expect(verdict).toMatchObject({ ok: true, secretIndex: 0 });
        expect(verifyWebhook(scheme, { ...input, secrets: [wrongSecret] })).toEqual({
          ok: false,
          code: 'BAD_SIGNATURE',
        });
        // Rotation: the current secret is second in the list.
        expect(verifyWebhook(scheme, { ...input, secrets: [wrongSecret, secret] })).toMatchObject({
          ok: true,
          secretIndex: 1,
        });
      } finally {
        await receiver.close();
      }
    });
  });
});
