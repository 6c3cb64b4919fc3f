// Shared by the app-level routing e2e tests: a second tenant, connections by static token, Square envelopes for a
// chosen merchant, and the stored rows of one delivery id.
import { randomUUID } from 'node:crypto';
import type { AuthStack } from './auth-harness.js';
import { operatorCli } from './operator-cli.js';
import { post, sign } from './webhook-harness.js';

export const squareKey = 'sandbox-square-signature-key';
export const shopifySecret = 'sandbox-shopify-secret';

/** A tenant of its own and its admin API key, made with the operator CLI as an operator would. */
export async function createTenant(stack: AuthStack): Promise<{ tenantId: string; apiKey: string }> {
  const created = await operatorCli(stack.nats)(['tenant', 'create', `tenant_${randomUUID().slice(0, 6)}`]);
  if (created.code !== 0) throw new Error(`tenant create failed: ${created.stderr}`);
  return JSON.parse(created.stdout) as { tenantId: string; apiKey: string };
}

/** A connection made from a static token through the admin API; resolves with its id. */
export async function connectWithToken(
  stack: AuthStack,
  apiKey: string,
  connection: { provider: string; alias: string; accessToken: string; metadata: Record<string, string> },
): Promise<string> {
  const created = await stack.admin(
    'POST',
    '/api/v1/connections',
    {
      provider: connection.provider,
      alias: connection.alias,
      credentials: { type: 'access-token', accessToken: connection.accessToken },
      metadata: connection.metadata,
    },
    apiKey,
  );
  if (created.status !== 201) throw new Error(`connect failed: ${created.status} ${JSON.stringify(created.body)}`);
  return created.body.id;
}

/** Square's `order.updated` envelope for `merchantId`'s order, as Square sends it to an app subscription. */
export function squareOrderUpdated(merchantId: string, orderId: string, eventId = randomUUID(), version = 2): string {
  return JSON.stringify({
    merchant_id: merchantId,
    type: 'order.updated',
    event_id: eventId,
    created_at: new Date().toISOString(),
    data: { type: 'order', id: orderId, object: { order_updated: { order_id: orderId, version, state: 'OPEN' } } },
  });
}

/** Posts a Square delivery signed over `url` + body with the app's signature key. */
export const postSquare = (url: string, body: string) => post(url, body, sign.square(squareKey, url, body));

/** Posts a Shopify delivery for `shop`, signed with the app's client secret. */
export const postShopify = (url: string, shop: string, topic: string, body: string, webhookId = randomUUID()) =>
  post(url, body, { ...sign.shopify(shopifySecret, body, { webhookId, topic }), 'x-shopify-shop-domain': shop });

/** The stored events of one delivery id, per tenant and connection. */
export async function storedRows(
  stack: AuthStack,
  dedupKey: string,
): Promise<{ tenantId: string; connectionId: string; status: string }[]> {
  const { rows } = await stack.sql.query<{ tenantId: string; connectionId: string; status: string }>(
    `SELECT tenant_id AS "tenantId", connection_id AS "connectionId", status FROM webhook.received_events
     WHERE dedup_key = $1 ORDER BY tenant_id`,
    [dedupKey],
  );
  return rows;
}
