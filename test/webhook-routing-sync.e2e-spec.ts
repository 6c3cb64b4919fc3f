import type { NatsConnection } from '@nats-io/transport-node';
import { feedStreamFor, tenantFeedStream, type RecordFeedEnvelope } from '@shelflink/contracts';
import { eventually, startService, streamMessages, type ServiceProcess } from '@shelflink/testing';
import { mintShopifyToken } from '@shelflink/sandbox';
import { exportEntity, mintSquareToken, SQUARE_APP } from '../apps/sync-service/test/sandbox-accounts.js';
import { startAuthStack, syncServiceEnv, type AuthStack } from './auth-harness.js';
import { connectWithToken, createTenant, shopifySecret, squareKey } from './routing-harness.js';
import { operatorCli } from './operator-cli.js';
import { fastIngestEnv } from './webhook-harness.js';

const MERCHANT_A = 'MROUTEA';
const MERCHANT_B = 'MROUTEB';
const SHOP = 'redact-shop.myshopify.com';
/** A consumer service of the tenant: its stream FEED_<NAME> copies the tenant's record feed. */
const FEED_SERVICE = 'redact-watch';
// The Shopify app the deployment is configured with (providers.sandbox.json): it signs deliveries with its secret.
const SHOPIFY_APP = {
  provider: 'shopify' as const,
  clientId: 'sandbox-shopify-client',
  clientSecret: shopifySecret,
  redirectUris: ['http://127.0.0.1/callback'],
};

// App-level deliveries all the way to their effect, caused by the sandbox as the providers cause them (its apps hold
// app-level subscriptions to the gateway): an order change in a Square merchant becomes the canonical order of that
// merchant's tenant only, and Shopify's shop/redact leaves nothing of the shop (records, webhook bodies, record feed).
describe('app-level webhooks to their effect (e2e)', () => {
  let stack: AuthStack;
  const services: ServiceProcess[] = [];
  let tenantB: { tenantId: string; apiKey: string };
  const ids: Record<string, string> = {};
  let shopToken = '';
  let feedReader: NatsConnection;

  const appUrl = (provider: string) => `${new URL(stack.gateway.url).origin}/webhooks/${provider}`;
  const orderRecords = async (apiKey: string, connectionId: string, externalId: string) => {
    const query = `connectionId=${connectionId}&externalId=${encodeURIComponent(externalId)}`;
    const reply = await stack.admin('GET', `/api/v1/records/orders?${query}`, undefined, apiKey);
    return (reply.body as unknown as { records: { externalId: string; sourceVersion: string }[] }).records;
  };
  const firstOrderOf = async (account: string) => {
    const [order] = await exportEntity(stack.sandbox.url, 'square', account, 'orders');
    return String(order?.id);
  };
  const tokens: Record<string, string> = {};
  /** Changes the order in the sandbox as the merchant's POS would (PUT /v2/orders/{id}); resolves with its version. */
  const changeSquareOrder = async (merchantId: string, orderId: string) => {
    const url = `${stack.sandbox.url}/square/v2/orders/${orderId}`;
    const headers = { authorization: `Bearer ${tokens[merchantId]}`, 'content-type': 'application/json' };
    const current = (await (await fetch(url, { headers })).json()) as { order: { version: number } };
    const body = JSON.stringify({ order: { version: current.order.version, state: 'COMPLETED' } });
    const changed = await fetch(url, { method: 'PUT', headers, body });
    expect(changed.status).toBe(200);
    return current.order.version + 1;
  };
  const orderVersion = async (apiKey: string, connectionId: string, externalId: string) =>
    (await orderRecords(apiKey, connectionId, externalId))[0]?.sourceVersion;

  beforeAll(async () => {
    stack = await startAuthStack({ prefix: 'e2e_routing_sync' });
    // What an operator configures: one Square app subscription, Shopify's app-level compliance webhooks.
    stack.sandbox.registerApp({
      ...SQUARE_APP,
      webhookSubscriptions: [{ url: appUrl('square'), events: ['order.updated'], signatureKey: squareKey }],
    });
    stack.sandbox.registerApp({
      ...SHOPIFY_APP,
      webhookSubscriptions: [{ url: appUrl('shopify'), events: ['shop/redact'] }],
    });
    for (const account of [MERCHANT_A, MERCHANT_B])
      stack.sandbox.registerAccount({ provider: 'square', account, locations: 1, products: 2, orders: 3 });
    stack.sandbox.registerAccount({ provider: 'shopify', account: SHOP, locations: 1, products: 3, orders: 5 });
    const database = { DATABASE_URL: stack.database.url };
    services.push(
      await startService('webhook-ingest', { ...stack.nats.envFor('webhook-ingest'), ...database, ...fastIngestEnv }),
      await startService('sync-service', syncServiceEnv(stack)),
    );
    tenantB = await createTenant(stack);
    const square = async (merchantId: string, apiKey: string, metadata: Record<string, string>) =>
      connectWithToken(stack, apiKey, {
        provider: 'square',
        alias: merchantId.toLowerCase(),
        accessToken: (tokens[merchantId] = await mintSquareToken(stack.sandbox.url, merchantId)),
        metadata,
      });
    ids.A = await square(MERCHANT_A, stack.apiKey, { merchantId: MERCHANT_A });
    // No merchantId given: auth-service reads it from GET /v2/merchants/me with the token.
    ids.B = await square(MERCHANT_B, tenantB.apiKey, {});
    shopToken = await mintShopifyToken(
      stack.sandbox.url,
      SHOPIFY_APP,
      SHOP,
      'read_products,read_orders,read_inventory,read_locations',
    );
    ids.shop = await connectWithToken(stack, stack.apiKey, {
      provider: 'shopify',
      alias: 'redact-shop',
      accessToken: shopToken,
      metadata: { shop: SHOP },
    });
    expect((await operatorCli(stack.nats)(['services', 'add', FEED_SERVICE, '--tenant', stack.tenantId])).code).toBe(0);
    feedReader = await stack.nats.connectAs('sync-service');
  });

  afterAll(async () => {
    await feedReader?.close();
    await Promise.all(services.map((service) => service.stop()));
    await stack?.close();
  });

  it("makes merchant A's order change tenant A's canonical order, and B's tenant B's, each seen by its tenant only", async () => {
    const orderA = await firstOrderOf(MERCHANT_A);
    const orderB = await firstOrderOf(MERCHANT_B);
    const versionA = await changeSquareOrder(MERCHANT_A, orderA);
    const versionB = await changeSquareOrder(MERCHANT_B, orderB);
    await eventually(async () => (await orderVersion(stack.apiKey, ids.A!, orderA)) === String(versionA), 30_000);
    await eventually(async () => (await orderVersion(tenantB.apiKey, ids.B!, orderB)) === String(versionB), 30_000);
    // The deliveries went to the app-level URL, signed with the app subscription's key.
    const deliveries = stack.sandbox.ledger({ endpoint: 'square.webhook.delivery' });
    expect(deliveries.length).toBeGreaterThanOrEqual(2);
    expect(new Set(deliveries.map((entry) => entry.path))).toEqual(new Set([appUrl('square')]));
    // Neither order reached the other merchant's connection, and neither tenant reads the other's connection.
    expect(await orderRecords(stack.apiKey, ids.A!, orderB)).toEqual([]);
    expect(await orderRecords(tenantB.apiKey, ids.B!, orderA)).toEqual([]);
    expect(await orderRecords(tenantB.apiKey, ids.A!, orderA)).toEqual([]);
  });

  it('erases every synced record, feed message and stored webhook body of a shop on shop/redact, audited', async () => {
    // The shop and merchant A (another connection of the same tenant) both synced.
    for (const connectionId of [ids.shop, ids.A])
      expect((await stack.admin('POST', `/api/v1/connections/${connectionId}/syncs`, {})).status).toBe(202);
    const recordsOfShop = async () => {
      const { rows } = await stack.sql.query<{ n: number }>(
        `SELECT (SELECT count(*) FROM sync.orders WHERE connection_id = $1)
              + (SELECT count(*) FROM sync.products WHERE connection_id = $1)
              + (SELECT count(*) FROM sync.locations WHERE connection_id = $1)
              + (SELECT count(*) FROM sync.inventory_levels WHERE connection_id = $1) AS n`,
        [ids.shop],
      );
      return Number(rows[0]?.n ?? 0);
    };
    // Every run of the syncs done first, so no page lands after the redaction.
    const runsOpen = async () => {
      const { rows } = await stack.sql.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM sync.runs
         WHERE connection_id = ANY($1) AND status NOT IN ('succeeded', 'failed')`,
        [[ids.shop, ids.A]],
      );
      return Number(rows[0]?.n ?? 0);
    };
    await eventually(async () => (await runsOpen()) === 0, 60_000);
    expect(await recordsOfShop()).toBeGreaterThan(0);
    // A stored webhook body of the shop: an order change, delivered through the subscription Shelflink registered.
    const [shopOrder] = await exportEntity(stack.sandbox.url, 'shopify', SHOP, 'orders');
    const orderUrl = `${stack.sandbox.url}/shopify/${SHOP}/admin/api/2026-07/orders/${String(shopOrder?.id)}.json`;
    const shopHeaders = { 'x-shopify-access-token': shopToken, 'content-type': 'application/json' };
    const note = JSON.stringify({ order: { note: 'gift wrap' } });
    expect((await fetch(orderUrl, { method: 'PUT', headers: shopHeaders, body: note })).status).toBe(200);
    const bodiesOfShop = async () => {
      const { rows } = await stack.sql.query<{ bytes: number; headers: number; type: string; status: string }>(
        `SELECT length(raw_body) AS bytes, (SELECT count(*) FROM jsonb_object_keys(headers))::int AS headers,
           event_type AS type, status FROM webhook.received_events WHERE connection_id = $1`,
        [ids.shop],
      );
      return rows;
    };
    await eventually(async () => (await bodiesOfShop()).some((row) => row.type === 'orders/updated'), 30_000);
    // The feed as the tenant's stream and the service's copy hold it: changes per connection, and of the order.
    const feedOf = async (stream: string) => {
      const messages = await streamMessages<RecordFeedEnvelope>(feedReader, stream).catch(() => []);
      const of = (connectionId: string) => messages.filter((m) => m.payload.connectionId === connectionId);
      const orderChanges = of(ids.shop!).filter((m) => m.payload.externalId === String(shopOrder?.id)).length;
      return { shop: of(ids.shop!).length, A: of(ids.A!).length, orderChanges };
    };
    const streams = [tenantFeedStream(stack.tenantId), feedStreamFor(FEED_SERVICE)];
    // The order's change reached the tenant's stream (no change of the shop is still on its way); the copy caught up.
    await eventually(async () => (await feedOf(streams[0]!)).orderChanges >= 2, 30_000);
    const before = await feedOf(streams[0]!);
    expect(before.A).toBeGreaterThan(0);
    await eventually(async () => JSON.stringify(await feedOf(streams[1]!)) === JSON.stringify(before), 30_000);
    const shopRedacts = async () =>
      (await bodiesOfShop()).filter((row) => row.type === 'shop/redact' && row.status === 'processed').length;
    const requestRedact = async () => {
      const redact = await fetch(`${stack.sandbox.url}/_admin/shopify/compliance`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ shop: SHOP, clientId: SHOPIFY_APP.clientId, topic: 'shop/redact' }),
      });
      expect(redact.status).toBeLessThan(300);
    };
    await requestRedact();
    await eventually(async () => (await shopRedacts()) === 1, 30_000);
    expect(await recordsOfShop()).toBe(0);
    const bodies = await bodiesOfShop();
    expect(bodies.length).toBeGreaterThanOrEqual(2);
    expect(bodies.every((row) => Number(row.bytes) === 0 && row.headers === 0)).toBe(true);
    // Not one of the shop's changes is left in either stream; A's are all there.
    for (const stream of streams) expect(await feedOf(stream)).toEqual({ shop: 0, A: before.A, orderChanges: 0 });
    const audited = async () => {
      const { rows } = await stack.sql.query<{ detail: Record<string, unknown> }>(
        `SELECT detail FROM auth.audit_log WHERE connection_id = $1 AND event = 'compliance.shop_redacted'
         ORDER BY created_at`,
        [ids.shop],
      );
      return rows.map(({ detail }) => [Number(detail.records), Number(detail.feedMessages)]);
    };
    const [first] = await audited();
    expect(first?.[0]).toBeGreaterThan(0);
    expect(first?.[1]).toBe(2 * before.shop);

    // Shopify sends it again: it succeeds, with nothing more to erase.
    await requestRedact();
    await eventually(async () => (await shopRedacts()) === 2, 30_000);
    expect(await audited()).toEqual([first, [0, 0]]);
    for (const stream of streams) expect(await feedOf(stream)).toEqual({ shop: 0, A: before.A, orderChanges: 0 });
  });
});
