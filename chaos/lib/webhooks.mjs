// Webhooks as the providers send them: Square (HMAC-SHA256 over notification URL + body), Shopify (HMAC of the body,
// no signed timestamp) and Standard Webhooks (HMAC over id.timestamp.body), and connections to send them to.
import { createHmac } from 'node:crypto';
import { request } from './traffic.mjs';

/** A connection with a static access token (no OAuth), for receiving webhooks; resolves with its id. */
export async function createConnection(system, apiKey, { provider, alias, metadata }) {
  const created = await request(`${system.url('gateway')}/api/v1/connections`, {
    method: 'POST',
    headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      provider,
      alias,
      credentials: { type: 'access-token', accessToken: `chaos-${provider}-token` },
      ...(metadata ? { metadata } : {}),
    }),
  });
  if (created.status !== 201)
    throw new Error(`could not create a ${provider} connection: ${created.status} ${created.body.slice(0, 200)}`);
  return JSON.parse(created.body).id;
}

export const createSquareConnection = (system, apiKey, alias) =>
  createConnection(system, apiKey, { provider: 'square', alias });

export function squareEvent(id) {
  return JSON.stringify({
    merchant_id: 'M1',
    type: 'order.updated',
    event_id: id,
    created_at: new Date().toISOString(),
    data: {
      type: 'order',
      id: `ord_${id}`,
      object: { order_updated: { order_id: `ord_${id}`, version: 2, state: 'OPEN' } },
    },
  });
}

export const squareSignature = (url, secret, body) =>
  createHmac('sha256', secret).update(url).update(body).digest('base64');

export function sendSquareEvent(url, secret, body) {
  const signature = squareSignature(url, secret, body);
  return request(
    url,
    {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-square-hmacsha256-signature': signature },
      body,
    },
    5_000,
  );
}

/** A Standard Webhooks delivery signed at `timestamp` (unix seconds) with the raw key bytes. */
export function sendStandardWebhook(url, key, { id, timestamp, body }) {
  const signature = createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64');
  return request(
    url,
    {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'webhook-id': id,
        'webhook-timestamp': String(timestamp),
        'webhook-signature': `v1,${signature}`,
      },
      body,
    },
    5_000,
  );
}

/** A Shopify delivery: the signature covers the body only; X-Shopify-Triggered-At is informational. */
export function sendShopifyWebhook(url, secret, { webhookId, shop, triggeredAt, body }) {
  return request(
    url,
    {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-shopify-hmac-sha256': createHmac('sha256', secret).update(body).digest('base64'),
        'x-shopify-topic': 'orders/updated',
        'x-shopify-shop-domain': shop,
        'x-shopify-webhook-id': webhookId,
        'x-shopify-event-id': webhookId,
        'x-shopify-triggered-at': triggeredAt,
        'x-shopify-api-version': '2026-07',
      },
      body,
    },
    5_000,
  );
}
