import { eventually, startService, type ServiceProcess } from '@shelflink/testing';
import { randomUUID } from 'node:crypto';
import {
  exportEntity,
  mintShopifyToken,
  mintSquareToken,
  SHOPIFY_APP,
  SQUARE_APP,
} from '../apps/sync-service/test/sandbox-accounts.js';
import { startAuthStack, type AuthStack } from './auth-harness.js';
import {
  connectWithToken,
  createTenant,
  postShopify,
  postSquare,
  squareOrderUpdated,
  storedRows,
} from './routing-harness.js';
import { fastIngestEnv } from './webhook-harness.js';

const MERCHANT_A = 'MROUTEA';
const MERCHANT_B = 'MROUTEB';
const SHOP = 'redact-shop.myshopify.com';

// App-level deliveries all the way to their effect, with sync-service and the sandbox's data: a Square order change
// becomes the canonical order of the merchant's tenant only, and Shopify's shop/redact leaves nothing of the shop.
describe('app-level webhooks to their effect (e2e)', () => {
  let stack: AuthStack;
  const services: ServiceProcess[] = [];
  let tenantB: { tenantId: string; apiKey: string };
  const ids: Record<string, string> = {};

  const appUrl = (provider: string) => `${new URL(stack.gateway.url).origin}/webhooks/${provider}`;
  const orderRecords = async (apiKey: string, connectionId: string, externalId: string) => {
    const query = `connectionId=${connectionId}&externalId=${encodeURIComponent(externalId)}`;
    const reply = await stack.admin('GET', `/api/v1/records/orders?${query}`, undefined, apiKey);
    return (reply.body as unknown as { records: { externalId: string }[] }).records;
  };
  const firstOrderOf = async (account: string) => {
    const [order] = await exportEntity(stack.sandbox.url, 'square', account, 'orders');
    return String(order?.id);
  };

  beforeAll(async () => {
    stack = await startAuthStack({ prefix: 'e2e_routing_sync' });
    stack.sandbox.registerApp(SQUARE_APP);
    stack.sandbox.registerApp(SHOPIFY_APP);
    for (const account of [MERCHANT_A, MERCHANT_B])
      stack.sandbox.registerAccount({ provider: 'square', account, locations: 1, products: 2, orders: 3 });
    stack.sandbox.registerAccount({ provider: 'shopify', account: SHOP, locations: 1, products: 3, orders: 5 });
    const database = { DATABASE_URL: stack.database.url };
    services.push(
      await startService('webhook-ingest', { ...stack.nats.envFor('webhook-ingest'), ...database, ...fastIngestEnv }),
      await startService('sync-service', {
        ...stack.nats.envFor('sync-service'),
        ...database,
        SANDBOX_URL: stack.sandbox.url,
        PROVIDERS_CONFIG: 'libs/providers/config/providers.sandbox.json',
      }),
    );
    tenantB = await createTenant(stack);
    const square = async (merchantId: string, apiKey: string, metadata: Record<string, string>) =>
      connectWithToken(stack, apiKey, {
        provider: 'square',
        alias: merchantId.toLowerCase(),
        accessToken: await mintSquareToken(stack.sandbox.url, merchantId),
        metadata,
      });
    ids.A = await square(MERCHANT_A, stack.apiKey, { merchantId: MERCHANT_A });
    // No merchantId given: auth-service reads it from GET /v2/merchants/me with the token.
    ids.B = await square(MERCHANT_B, tenantB.apiKey, {});
    ids.shop = await connectWithToken(stack, stack.apiKey, {
      provider: 'shopify',
      alias: 'redact-shop',
      accessToken: await mintShopifyToken(stack.sandbox.url, SHOP),
      metadata: { shop: SHOP },
    });
  });

  afterAll(async () => {
    await Promise.all(services.map((service) => service.stop()));
    await stack?.close();
  });

  it("makes merchant A's order change tenant A's canonical order, and B's tenant B's, each seen by its tenant only", async () => {
    const orderA = await firstOrderOf(MERCHANT_A);
    const orderB = await firstOrderOf(MERCHANT_B);
    expect((await postSquare(appUrl('square'), squareOrderUpdated(MERCHANT_A, orderA))).status).toBe(200);
    expect((await postSquare(appUrl('square'), squareOrderUpdated(MERCHANT_B, orderB))).status).toBe(200);
    await eventually(async () => (await orderRecords(stack.apiKey, ids.A!, orderA)).length === 1);
    await eventually(async () => (await orderRecords(tenantB.apiKey, ids.B!, orderB)).length === 1);
    // Neither order reached the other merchant's connection, and neither tenant reads the other's connection.
    expect(await orderRecords(stack.apiKey, ids.A!, orderB)).toEqual([]);
    expect(await orderRecords(tenantB.apiKey, ids.B!, orderA)).toEqual([]);
    expect(await orderRecords(tenantB.apiKey, ids.A!, orderA)).toEqual([]);
  });

  it('erases every synced record and stored webhook body of a shop on shop/redact, and audits it', async () => {
    const started = await stack.admin('POST', `/api/v1/connections/${ids.shop}/syncs`, {});
    expect(started.status).toBe(202);
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
    // Every run of the sync done first, so no page lands after the redaction.
    const runsOpen = async () => {
      const { rows } = await stack.sql.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM sync.runs WHERE connection_id = $1 AND status NOT IN ('succeeded', 'failed')`,
        [ids.shop],
      );
      return Number(rows[0]?.n ?? 0);
    };
    await eventually(async () => (await runsOpen()) === 0, 60_000);
    expect(await recordsOfShop()).toBeGreaterThan(0);
    const orderEvent = randomUUID();
    const order = JSON.stringify({ id: 1001, customer: { id: 7, email: 'buyer@example.com' } });
    expect((await postShopify(appUrl('shopify'), SHOP, 'orders/updated', order, orderEvent)).status).toBe(200);
    expect(await storedRows(stack, orderEvent)).toHaveLength(1);
    const redactEvent = randomUUID();
    const redact = JSON.stringify({ shop_id: 954889, shop_domain: SHOP });
    expect((await postShopify(appUrl('shopify'), SHOP, 'shop/redact', redact, redactEvent)).status).toBe(200);
    await eventually(async () => (await storedRows(stack, redactEvent))[0]?.status === 'processed', 30_000);
    expect(await recordsOfShop()).toBe(0);
    const { rows: bodies } = await stack.sql.query<{ bytes: number; headers: number }>(
      `SELECT length(raw_body) AS bytes, (SELECT count(*) FROM jsonb_object_keys(headers))::int AS headers
       FROM webhook.received_events WHERE connection_id = $1`,
      [ids.shop],
    );
    expect(bodies.length).toBeGreaterThanOrEqual(2);
    expect(bodies.every((row) => Number(row.bytes) === 0 && row.headers === 0)).toBe(true);
    const { rows: audit } = await stack.sql.query<{ detail: Record<string, unknown> }>(
      `SELECT detail FROM auth.audit_log WHERE connection_id = $1 AND event = 'compliance.shop_redacted'`,
      [ids.shop],
    );
    expect(audit).toHaveLength(1);
    expect(Number(audit[0]?.detail.records)).toBeGreaterThan(0);
  });
});
