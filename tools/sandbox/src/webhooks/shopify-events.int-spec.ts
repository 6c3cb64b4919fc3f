import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Server } from 'node:http';
import { mintShopifyToken, startSandbox, type RunningSandbox } from '../sandbox.js';
import { admin, call, postJson, startReceiver, waitFor, type Received } from '../sandbox.test-kit.js';

const APP = {
  provider: 'shopify' as const,
  clientId: 'shp-events',
  clientSecret: 'shpss_events',
  redirectUris: ['https://app.example.com/cb'],
};
const SHOP = 'events-store.myshopify.com';
const QUIET_SHOP = 'quiet-store.myshopify.com';

/** Shopify's documented check, written here independently: base64 HMAC-SHA256(client secret, raw body). */
function shopifySigned(r: Received): boolean {
  const expected = createHmac('sha256', APP.clientSecret).update(r.body).digest();
  const given = Buffer.from(String(r.headers['x-shopify-hmac-sha256'] ?? ''), 'base64');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
const topic = (r: Received): string => String(r.headers['x-shopify-topic'] ?? '');

describe('Shopify events go to the shop subscriptions of each installed app and to its app-level ones', () => {
  let sandbox: RunningSandbox;
  let appLevel: Awaited<ReturnType<typeof startReceiver>>;
  let perShop: Awaited<ReturnType<typeof startReceiver>>;
  const servers: Server[] = [];
  let rest: string;
  let headers: Record<string, string>;

  beforeAll(async () => {
    appLevel = await startReceiver();
    perShop = await startReceiver();
    servers.push(appLevel.server, perShop.server);
    sandbox = await startSandbox({
      webhookBackoffScale: 0.0001,
      config: {
        apps: [
          {
            ...APP,
            webhookSubscriptions: [
              {
                url: appLevel.url,
                events: ['orders/create', 'customers/redact', 'shop/redact'],
                apiVersion: '2026-04',
              },
            ],
          },
        ],
        accounts: [SHOP, QUIET_SHOP].map((account) => ({
          provider: 'shopify' as const,
          account,
          orders: 10,
          products: 4,
          locations: 2,
        })),
      },
    });
    rest = `${sandbox.url}/shopify/${SHOP}/admin/api/2026-07`;
    headers = { 'x-shopify-access-token': await mintShopifyToken(sandbox.url, APP, SHOP, 'read_orders,write_orders') };
    for (const t of ['orders/create', 'orders/updated', 'inventory_levels/update', 'app/uninstalled'])
      await postJson(`${rest}/webhooks.json`, { webhook: { topic: t, address: perShop.url } }, headers);
  });
  afterAll(async () => {
    await sandbox.close();
    await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  });

  it('an order created in the shop reaches the per-shop and the app-level subscription, with the headers and HMAC', async () => {
    const products = await call(`${rest}/products.json?limit=1`, { headers });
    // Variant ids are 64-bit: read them as digits, send them as strings.
    const variant = /"variants":\[\{"id":(\d+)/.exec(products.text)?.[1] ?? '';
    const created = await postJson<{ order: { admin_graphql_api_id: string } }>(
      `${rest}/orders.json`,
      { order: { line_items: [{ variant_id: variant, quantity: 2 }] } },
      headers,
    );
    expect(created.text).toContain(`"variant_id":${variant}`);
    expect(created.status).toBe(201);
    await waitFor(() => appLevel.got.length >= 1 && perShop.got.length >= 1, 'both orders/create deliveries');
    const [a, b] = [appLevel.got[0] as Received, perShop.got[0] as Received];
    for (const r of [a, b]) {
      expect(topic(r)).toBe('orders/create');
      expect(r.headers['x-shopify-shop-domain']).toBe(SHOP);
      expect(shopifySigned(r)).toBe(true);
      expect(r.headers['x-shopify-triggered-at']).toBeTruthy();
      expect(r.body).toContain(created.body.order.admin_graphql_api_id);
    }
    expect(a.headers['x-shopify-event-id']).toBe(b.headers['x-shopify-event-id']);
    expect(a.headers['x-shopify-webhook-id']).not.toBe(b.headers['x-shopify-webhook-id']);
    expect(a.headers['x-shopify-api-version']).toBe('2026-04');
    expect(b.headers['x-shopify-api-version']).toBe('2026-07');
    const listed = await call(`${rest}/orders.json?status=any&limit=250`, { headers });
    expect(listed.text).toContain(created.body.order.admin_graphql_api_id);
  });

  it('an inventory level set sends inventory_levels/update; a shop without the app sends nothing', async () => {
    const levels = await call<{ inventory_levels: unknown[] }>(`${rest}/inventory_levels.json?location_ids=655441491`, {
      headers,
    });
    // The item id is 64-bit: read it as digits, send it as a string.
    const item = /"inventory_item_id":(\d+)/.exec(levels.text)?.[1] ?? '';
    const set = await postJson<{ inventory_level: { available: number } }>(
      `${rest}/inventory_levels/set.json`,
      { location_id: 655441491, inventory_item_id: item, available: 7 },
      headers,
    );
    expect(set.body.inventory_level.available).toBe(7);
    await waitFor(() => perShop.got.some((r) => topic(r) === 'inventory_levels/update'), 'the level update');
    const quiet = await admin(sandbox.url, '/data/mutate', { provider: 'shopify', account: QUIET_SHOP, newOrders: 1 });
    expect(quiet.body).toMatchObject({ created: 1, deliveries: 0 });
  });

  it('GraphQL writes cause the same webhooks: orderUpdate, inventorySetQuantities, productUpdate', async () => {
    const gql = <T>(query: string, variables: object) =>
      postJson<T>(`${rest}/graphql.json`, { query, variables }, headers);
    const orders = await call(`${rest}/orders.json?status=any&limit=1`, { headers });
    const orderGid = /"admin_graphql_api_id":"(gid:\/\/shopify\/Order\/\d+)"/.exec(orders.text)?.[1];
    const updated = await gql<{ data: { orderUpdate: { order: { id: string }; userErrors: unknown[] } } }>(
      `mutation($input: OrderInput!) { orderUpdate(input: $input) { order { id } userErrors { field message } } }`,
      { input: { id: orderGid, note: 'gift' } },
    );
    expect(updated.body.data.orderUpdate).toEqual({ order: expect.objectContaining({ id: orderGid }), userErrors: [] });
    const updates = () => perShop.got.filter((r) => topic(r) === 'orders/updated');
    await waitFor(() => updates().length >= 1, 'orders/updated');
    expect(updates()[0]?.body).toContain(String(orderGid));

    const levels = await call(`${rest}/inventory_levels.json?location_ids=655441492`, { headers });
    const item = /"inventory_item_id":(\d+)/.exec(levels.text)?.[1];
    const set = await gql<{ data: { inventorySetQuantities: { inventoryAdjustmentGroup: { changes: object[] } } } }>(
      `mutation($input: InventorySetQuantitiesInput!) { inventorySetQuantities(input: $input) { inventoryAdjustmentGroup { changes { name delta quantityAfterChange } } userErrors { message } } }`,
      {
        input: {
          name: 'available',
          reason: 'correction',
          quantities: [
            {
              inventoryItemId: `gid://shopify/InventoryItem/${item}`,
              locationId: 'gid://shopify/Location/655441492',
              quantity: 11,
            },
          ],
        },
      },
    );
    expect(set.body.data.inventorySetQuantities.inventoryAdjustmentGroup.changes).toEqual([
      expect.objectContaining({ name: 'available', quantityAfterChange: 11 }),
    ]);
    await waitFor(
      () => perShop.got.some((r) => topic(r) === 'inventory_levels/update' && r.body.includes('"available":11')),
      'the level update',
    );

    const products = await call(`${rest}/products.json?limit=1`, { headers });
    const productGid = /"admin_graphql_api_id":"(gid:\/\/shopify\/Product\/\d+)"/.exec(products.text)?.[1];
    const changed = await gql<{ data: { productUpdate: { product: { id: string } } } }>(
      `mutation($product: ProductUpdateInput!) { productUpdate(product: $product) { product { id } userErrors { message } } }`,
      { product: { id: productGid, title: 'New' } },
    );
    expect(changed.body.data.productUpdate.product.id).toBe(productGid);
    const missing = await gql<{ data: { productUpdate: { product: null; userErrors: unknown[] } } }>(
      `mutation($product: ProductUpdateInput!) { productUpdate(product: $product) { product { id } userErrors { field message } } }`,
      { product: { id: 'gid://shopify/Product/1' } },
    );
    expect(missing.body.data.productUpdate.product).toBeNull();
    expect(missing.body.data.productUpdate.userErrors).toHaveLength(1);
  });

  it('compliance topics go to the app-level subscription on request', async () => {
    const sent = await admin(sandbox.url, '/shopify/compliance', {
      shop: SHOP,
      clientId: APP.clientId,
      topic: 'customers/redact',
      customerId: 42,
      orderIds: [1],
    });
    expect(sent.body).toEqual({ deliveries: 1 });
    await waitFor(() => appLevel.got.some((r) => topic(r) === 'customers/redact'), 'customers/redact');
    const body = JSON.parse(appLevel.got.find((r) => topic(r) === 'customers/redact')?.body ?? '{}') as object;
    expect(body).toMatchObject({ shop_domain: SHOP, customer: { id: 42 }, orders_to_redact: [1] });
  });

  it('uninstalling sends app/uninstalled, deletes the shop subscriptions and ends the token', async () => {
    const gone = await call(`${sandbox.url}/shopify/${SHOP}/admin/api_permissions/current.json`, {
      method: 'DELETE',
      headers,
    });
    expect(gone.status).toBe(200);
    await waitFor(() => perShop.got.some((r) => topic(r) === 'app/uninstalled'), 'app/uninstalled');
    const uninstalled = perShop.got.find((r) => topic(r) === 'app/uninstalled') as Received;
    expect(shopifySigned(uninstalled)).toBe(true);
    expect(JSON.parse(uninstalled.body)).toMatchObject({ myshopify_domain: SHOP });
    expect((await call(`${rest}/webhooks.json`, { headers })).status).toBe(401);
    const fresh = { 'x-shopify-access-token': await mintShopifyToken(sandbox.url, APP, SHOP, 'read_orders') };
    const after = await call<{ webhooks: unknown[] }>(`${rest}/webhooks.json`, { headers: fresh });
    expect(after.body.webhooks).toEqual([]);
    const recorded = () =>
      sandbox
        .ledger({ endpoint: 'shopify.webhook.delivery', account: SHOP })
        .some((e) => e.delivery?.eventType === 'app/uninstalled' && e.status === 200 && e.delivery.url === perShop.url);
    await waitFor(recorded, 'the app/uninstalled attempt in the ledger');
  });
});
