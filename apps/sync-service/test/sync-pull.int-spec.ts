import {
  addFault,
  clearFaults,
  exportEntity,
  mintShopifyToken,
  mintSquareToken,
  mutateOrders,
} from './sandbox-accounts.js';
import { shopifyConnection, squareConnection } from './fake-auth.responder.js';
import { connectSquareMerchant, startSyncHarness, type SyncHarness } from './sync-harness.js';

type Json = Record<string, unknown>;
const TENANT = 'tenant-int';
const MERCHANT = 'MSYNCINT1';
const SHOP = 'sync-int.myshopify.com';

async function table(harness: SyncHarness, name: string, connectionId: string): Promise<Json[]> {
  return harness.dataSource.query(
    `SELECT external_id, source_version::text AS source_version, deleted_at, data, quantity, total_minor::text AS total_minor, currency
       FROM sync.${name} WHERE connection_id = $1`.replace(
      name === 'inventory_levels'
        ? ', total_minor::text AS total_minor, currency'
        : name === 'orders'
          ? ', quantity'
          : ', quantity, total_minor::text AS total_minor, currency',
      '',
    ),
    [connectionId],
  );
}

const sorted = (values: Iterable<string>): string[] => [...values].sort();

describe('sync pulls against the sandbox (int)', () => {
  let harness: SyncHarness;

  beforeAll(async () => {
    harness = await startSyncHarness();
    harness.sandbox.registerAccount({
      provider: 'square',
      account: MERCHANT,
      locations: 3,
      products: 250,
      orders: 2500,
    });
    harness.sandbox.registerAccount({ provider: 'shopify', account: SHOP, locations: 3, products: 260, orders: 1200 });
    const squareToken = await mintSquareToken(harness.sandbox.url, MERCHANT);
    const shopifyToken = await mintShopifyToken(harness.sandbox.url, SHOP);
    harness.auth.connections.set('conn-square', squareConnection('conn-square', TENANT, MERCHANT, squareToken));
    harness.auth.connections.set('conn-shopify', shopifyConnection('conn-shopify', TENANT, SHOP, shopifyToken));
  });

  afterAll(async () => {
    await harness?.close();
  });

  it('a full Square sync equals the sandbox in canonical form; a second run fetches only what changed', async () => {
    const runs = await harness.syncNow(TENANT, 'conn-square');
    expect(runs.map((run) => [run.stream, run.status, run.errorCode])).toEqual(
      ['locations', 'products', 'inventory', 'orders'].map((stream) => [stream, 'succeeded', null]),
    );

    const orders = await exportEntity(harness.sandbox.url, 'square', MERCHANT, 'orders');
    const synced = await table(harness, 'orders', 'conn-square');
    expect(synced).toHaveLength(orders.length);
    const expectedOrders = orders.map((o) => {
      const total = o.total_money as { amount: number; currency: string };
      const lines = (o.line_items as Json[]).map(
        (l) => `${String(l.uid)}|${String(l.quantity)}|${(l.base_price_money as { amount: number }).amount}`,
      );
      return `${String(o.id)}|${String(o.version)}|${total.amount}|${total.currency}|${String(o.state)}|${lines.join(',')}`;
    });
    const actualOrders = synced.map((row) => {
      const data = row.data as {
        state: string;
        lineItems: { externalId: string; quantity: string; unitPrice: { amountMinor: string } }[];
      };
      const lines = data.lineItems.map((l) => `${l.externalId}|${l.quantity}|${l.unitPrice.amountMinor}`);
      return `${String(row.external_id)}|${String(row.source_version)}|${String(row.total_minor)}|${String(row.currency)}|${data.state}|${lines.join(',')}`;
    });
    expect(sorted(actualOrders)).toEqual(sorted(expectedOrders));

    const locations = await exportEntity(harness.sandbox.url, 'square', MERCHANT, 'locations');
    expect(sorted((await table(harness, 'locations', 'conn-square')).map((r) => String(r.external_id)))).toEqual(
      sorted(locations.map((l) => String(l.id))),
    );

    const catalog = (await exportEntity(harness.sandbox.url, 'square', MERCHANT, 'catalog')).filter(
      (o) => o.type === 'ITEM',
    );
    const expectedVariants = catalog.flatMap((item) =>
      ((item.item_data as Json).variations as Json[]).map((v) => {
        const data = v.item_variation_data as { sku: string; upc: string; price_money: { amount: number } };
        return `${String(item.id)}|${String(v.id)}|${data.sku}|${data.upc}|${data.price_money.amount}`;
      }),
    );
    const actualVariants = (await table(harness, 'products', 'conn-square')).flatMap((row) =>
      (
        row.data as { variants: { externalId: string; sku: string; gtin: string; price: { amountMinor: string } }[] }
      ).variants.map((v) => `${String(row.external_id)}|${v.externalId}|${v.sku}|${v.gtin}|${v.price.amountMinor}`),
    );
    expect(sorted(actualVariants)).toEqual(sorted(expectedVariants));

    const counts = await exportEntity(harness.sandbox.url, 'square', MERCHANT, 'inventory');
    const expectedCounts = counts.map(
      (c) => `${String(c.catalog_object_id)}:${String(c.location_id)}|${String(c.quantity)}`,
    );
    const actualCounts = (await table(harness, 'inventory_levels', 'conn-square')).map(
      (r) => `${String(r.external_id)}|${String(r.quantity)}`,
    );
    expect(sorted(actualCounts)).toEqual(sorted(expectedCounts));

    // Incremental: after 7 orders change, one search page per location and only a handful of records.
    await mutateOrders(harness.sandbox.url, 'square', MERCHANT, 7);
    const before = harness.sandbox.ledger({ provider: 'square' }).length;
    const [second] = await harness.syncNow(TENANT, 'conn-square', { streams: ['orders'] });
    const calls = harness.sandbox.ledger({ provider: 'square' }).slice(before);
    expect(second?.status).toBe('succeeded');
    expect(calls.filter((e) => e.endpoint === 'square.orders.search')).toHaveLength(3);
    expect(second?.records).toBeLessThan(30);
    expect(second?.changed).toBe(7);
    const fresh = await exportEntity(harness.sandbox.url, 'square', MERCHANT, 'orders');
    const versions = new Map(
      (await table(harness, 'orders', 'conn-square')).map((r) => [String(r.external_id), String(r.source_version)]),
    );
    expect(fresh.filter((o) => versions.get(String(o.id)) !== String(o.version))).toEqual([]);
  });

  it('a full Shopify sync equals the sandbox with 64-bit ids intact; a second run fetches only what changed', async () => {
    const runs = await harness.syncNow(TENANT, 'conn-shopify');
    expect(runs.map((run) => [run.stream, run.status, run.errorCode])).toEqual(
      ['locations', 'products', 'inventory', 'orders'].map((stream) => [stream, 'succeeded', null]),
    );

    const orders = await exportEntity(harness.sandbox.url, 'shopify', SHOP, 'orders');
    const expectedOrders = orders.map((o) => {
      const lines = (o.line_items as Json[]).map(
        (l) => `${String(l.id)}|${String(l.variant_id)}|${String(l.quantity)}|${String(l.price)}`,
      );
      return `${String(o.id)}|${Date.parse(String(o.updated_at))}|${String(o.total_price)}|${String(o.currency)}|${lines.join(',')}`;
    });
    const actualOrders = (await table(harness, 'orders', 'conn-shopify')).map((row) => {
      const data = row.data as {
        lineItems: {
          externalId: string;
          variantExternalId: string;
          quantity: string;
          unitPrice: { amountMinor: string };
        }[];
      };
      const decimal = (minor: string): string => `${minor.slice(0, -2) || '0'}.${minor.slice(-2).padStart(2, '0')}`;
      const lines = data.lineItems.map(
        (l) => `${l.externalId}|${l.variantExternalId}|${l.quantity}|${decimal(l.unitPrice.amountMinor)}`,
      );
      return `${String(row.external_id)}|${String(row.source_version)}|${decimal(String(row.total_minor))}|${String(row.currency)}|${lines.join(',')}`;
    });
    expect(sorted(actualOrders)).toEqual(sorted(expectedOrders));
    // Ids straddle 2^53 in the sandbox: any precision loss would collide them.
    expect(new Set(actualOrders.map((o) => o.split('|')[0])).size).toBe(orders.length);
    expect(orders.some((o) => BigInt(String(o.id)) > BigInt(Number.MAX_SAFE_INTEGER))).toBe(true);

    const products = await exportEntity(harness.sandbox.url, 'shopify', SHOP, 'products');
    const expectedVariants = products.flatMap((p) =>
      (p.variants as Json[]).map(
        (v) => `${String(p.id)}|${String(v.id)}|${String(v.sku)}|${String(v.barcode)}|${String(v.price)}`,
      ),
    );
    const actualVariants = (await table(harness, 'products', 'conn-shopify')).flatMap((row) =>
      (
        row.data as { variants: { externalId: string; sku: string; gtin: string; price: { amountMinor: string } }[] }
      ).variants.map(
        (v) =>
          `${String(row.external_id)}|${v.externalId}|${v.sku}|${v.gtin}|${(Number(v.price.amountMinor) / 100).toFixed(2)}`,
      ),
    );
    expect(sorted(actualVariants)).toEqual(sorted(expectedVariants));

    const levels = await exportEntity(harness.sandbox.url, 'shopify', SHOP, 'inventory_levels');
    const expectedLevels = levels.map(
      (l) => `${String(l.inventory_item_id)}:${String(l.location_id)}|${String(l.available)}`,
    );
    const actualLevels = (await table(harness, 'inventory_levels', 'conn-shopify')).map(
      (r) => `${String(r.external_id)}|${String(r.quantity)}`,
    );
    expect(sorted(actualLevels)).toEqual(sorted(expectedLevels));

    await mutateOrders(harness.sandbox.url, 'shopify', SHOP, 5);
    const before = harness.sandbox.ledger({ provider: 'shopify' }).length;
    const [second] = await harness.syncNow(TENANT, 'conn-shopify', { streams: ['orders'] });
    const calls = harness.sandbox.ledger({ provider: 'shopify' }).slice(before);
    expect(second?.status).toBe('succeeded');
    expect(calls.filter((e) => e.endpoint === 'shopify.orders')).toHaveLength(1);
    expect(second?.changed).toBe(5);
  });

  it('a page whose body is cut mid-stream is rolled back and read again: the data still equals the sandbox', async () => {
    const account = 'MSYNCCUT';
    const connectionId = await connectSquareMerchant(harness, TENANT, {
      account,
      locations: 1,
      products: 20,
      orders: 900,
    });
    // One page of ~1.7 MB, upserted 250 records at a time as it streams: the cut comes after some were written.
    await addFault(harness.sandbox.url, {
      provider: 'square',
      account,
      endpoint: 'square.orders.search',
      kind: 'cutBody',
      bytes: 1_000_000,
    });
    try {
      const [run] = await harness.syncNow(TENANT, connectionId, { streams: ['orders'] });
      expect(run).toMatchObject({ status: 'succeeded', records: 900, changed: 900, pages: 1 });
    } finally {
      await clearFaults(harness.sandbox.url);
    }
    const searches = harness.sandbox
      .ledger({ provider: 'square', account })
      .filter((e) => e.endpoint === 'square.orders.search');
    expect(searches.map((e) => [e.status, e.fault])).toEqual([
      [200, 'cutBody'],
      [200, null],
    ]);
    const orders = await exportEntity(harness.sandbox.url, 'square', account, 'orders');
    const rows = await harness.dataSource.query<{ external_id: string; source_version: string }[]>(
      `SELECT external_id, source_version::text AS source_version FROM sync.orders WHERE connection_id = $1`,
      [connectionId],
    );
    expect(sorted(rows.map((r) => `${r.external_id}|${r.source_version}`))).toEqual(
      sorted(orders.map((o) => `${String(o.id)}|${String(o.version)}`)),
    );
  });
});
