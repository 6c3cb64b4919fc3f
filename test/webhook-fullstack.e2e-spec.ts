import { eventually, startService, type ServiceProcess } from '@shelflink/testing';
import { startAuthStack, type AuthStack } from './auth-harness.js';
import { canonicalEventCounts, fastIngestEnv } from './webhook-harness.js';

// The whole path with the real auth-service: the sandbox's webhook emitter signs like Square and Shopify, the gateway
// forwards, webhook-ingest asks auth-service for the connection's secrets, stores, processes and publishes.
describe('webhooks through gateway, auth-service and webhook-ingest (e2e)', () => {
  let stack: AuthStack;
  let ingest: ServiceProcess;
  let squareId: string;
  let shopifyId: string;

  const emit = async (body: Record<string, unknown>) => {
    const response = await fetch(`${stack.sandbox.url}/_admin/webhooks/send`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ sync: true, retries: { max: 0, timeoutMs: 5_000 }, ...body }),
    });
    return (await response.json()) as { state: string; status: number; attempts: number };
  };

  beforeAll(async () => {
    stack = await startAuthStack({ prefix: 'e2e_webhook_full' });
    ingest = await startService('webhook-ingest', {
      ...stack.nats.envFor('webhook-ingest'),
      DATABASE_URL: stack.database.url,
      ...fastIngestEnv,
    });
    const square = await stack.admin('POST', '/api/v1/connections', {
      provider: 'square',
      credentials: { type: 'access-token', accessToken: 'sq-static-token' },
      metadata: { merchantId: 'SANDBOXMERCHANT' }, // the merchant the sandbox's emitter names by default
    });
    const shopify = await stack.admin('POST', '/api/v1/connections', {
      provider: 'shopify',
      credentials: { type: 'access-token', accessToken: 'shpat_static' },
      metadata: { shop: 'demo-shop.myshopify.com' },
    });
    expect([square.status, shopify.status]).toEqual([201, 201]);
    squareId = (square.body as { id: string }).id;
    shopifyId = (shopify.body as { id: string }).id;
  });

  afterAll(async () => {
    await ingest?.stop();
    await stack?.close();
  });

  const gatewayUrl = () => new URL(stack.gateway.url).origin;
  // A Shopify delivery to the demo shop's connection, signed with the app's webhook secret.
  const emitShopify = (type: string, payload: Record<string, unknown>) =>
    emit({
      provider: 'shopify',
      targetUrl: `${gatewayUrl()}/webhooks/shopify/${shopifyId}`,
      type,
      payload,
      secret: 'sandbox-shopify-secret',
      account: 'demo-shop.myshopify.com',
    });

  it('accepts, stores and processes Square and Shopify deliveries signed by the sandbox', async () => {
    const square = await emit({
      provider: 'square',
      targetUrl: `${gatewayUrl()}/webhooks/square/${squareId}`,
      type: 'order.updated',
      objectId: 'ord_full_1',
      secret: 'sandbox-square-signature-key',
    });
    const shopify = await emitShopify('orders/updated', {
      id: 4503599627370497,
      updated_at: '2026-07-10T12:00:00-05:00',
    });
    expect([square.state, shopify.state]).toEqual(['delivered', 'delivered']);
    await eventually(async () => {
      const { rows } = await stack.sql.query<{ status: string }>(
        `SELECT status FROM webhook.received_events WHERE tenant_id = $1`,
        [stack.tenantId],
      );
      return rows.length === 2 && rows.every((row) => row.status === 'processed');
    });
    const listed = await stack.admin('GET', '/api/v1/webhook-events');
    expect(listed.status).toBe(200);
    const ids = ((listed.body as unknown as { items: unknown }).items as { id: string; provider: string }[]).map(
      (item) => item.id,
    );
    expect(ids).toHaveLength(2);
    const counts = await canonicalEventCounts(stack.nats);
    expect(ids.map((id) => counts.get(id))).toEqual([1, 1]);
  });

  it('refuses a delivery signed with the wrong key, for another URL, or for an unknown connection', async () => {
    const wrongKey = await emit({
      provider: 'square',
      targetUrl: `${gatewayUrl()}/webhooks/square/${squareId}`,
      type: 'payment.created',
      secret: 'not-the-key',
    });
    expect(wrongKey).toMatchObject({ state: 'failed', status: 401 });
    const otherUrl = await emit({
      provider: 'square',
      targetUrl: `${gatewayUrl()}/webhooks/square/${squareId}`,
      notificationUrl: `https://proxy.example.com/hooks/square/${squareId}`,
      type: 'payment.created',
      secret: 'sandbox-square-signature-key',
    });
    expect(otherUrl).toMatchObject({ state: 'failed', status: 401 });
    const unknown = await emit({
      provider: 'square',
      targetUrl: `${gatewayUrl()}/webhooks/square/conn_missing`,
      type: 'payment.created',
      secret: 'sandbox-square-signature-key',
    });
    expect(unknown).toMatchObject({ state: 'failed', status: 404 });
    expect(ingest.child.exitCode).toBeNull();
  });

  it('marks a connection needs_reauth when Shopify says the app was uninstalled', async () => {
    const uninstalled = await emitShopify('app/uninstalled', { id: 548380009, domain: 'demo-shop.myshopify.com' });
    expect(uninstalled.state).toBe('delivered');
    const status = async (id: string) => (await stack.admin('GET', `/api/v1/connections/${id}`)).body.status;
    await eventually(async () => (await status(shopifyId)) === 'needs_reauth');
    // The audit row follows the status change in auth-service.
    const audit = async () =>
      await stack.sql.query<{ actor: string; detail: { reason: string } }>(
        `SELECT actor, detail FROM auth.audit_log WHERE connection_id = $1 AND event = 'credential.needs_reauth'`,
        [shopifyId],
      );
    await eventually(async () => (await audit()).rows.length > 0);
    expect((await audit()).rows).toEqual([
      { actor: 'webhook-ingest', detail: { reason: 'revoked_at_provider', eventId: expect.any(String) } },
    ]);
    // The event went on to sync-service like any other, and the Square connection was left alone.
    const event = async () =>
      (
        await stack.sql.query<{ id: string; status: string }>(
          `SELECT id, status FROM webhook.received_events WHERE connection_id = $1 AND event_type = 'app/uninstalled'`,
          [shopifyId],
        )
      ).rows;
    await eventually(async () => (await event())[0]?.status === 'processed');
    const [row] = await event();
    expect((await canonicalEventCounts(stack.nats)).get(row?.id ?? '')).toBe(1);
    expect(await status(squareId)).toBe('active');
  });
});
