// Webhooks as the providers send them: Square (HMAC-SHA256 over notification URL + body), Shopify (HMAC of the body,
// no signed timestamp) and Standard Webhooks (HMAC over id.timestamp.body), and connections to send them to.
import { createHmac } from 'node:crypto';
import { sleep, withClient } from '../../bench/lib/stack.mjs';
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

/** A Square connection; `merchantId` (the account app-level deliveries are routed by) is optional. */
export const createSquareConnection = (system, apiKey, alias, merchantId) =>
  createConnection(system, apiKey, { provider: 'square', alias, ...(merchantId ? { metadata: { merchantId } } : {}) });

export function squareEvent(id, merchantId = 'M1') {
  return JSON.stringify({
    merchant_id: merchantId,
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

/** Unique Square events `${prefix}-${i}` for the sender and the classification (`acked`, attempts, statuses seen). */
export const squareEvents = (prefix, count, merchantId) =>
  Array.from({ length: count }, (_, index) => {
    const id = `${prefix}-${index}`;
    return { id, index, body: squareEvent(id, merchantId), attempts: 0, acked: false, statuses: new Set() };
  });

/**
 * Sends each event at a steady rate (one every `intervalMs`, `senders` in parallel), retrying like a provider with
 * capped exponential backoff until a 2xx or the deadline. `onAnswer({ sentAt, at, status })` sees every attempt.
 */
export async function sendLikeProvider(events, url, secret, { deadline, intervalMs, senders = 8, onAnswer }) {
  const queue = [...events];
  const started = Date.now();
  const worker = async () => {
    for (let event = queue.shift(); event; event = queue.shift()) {
      await sleep(started + event.index * intervalMs - Date.now());
      for (let attempt = 0; Date.now() < deadline; attempt += 1) {
        event.attempts += 1;
        const sentAt = Date.now();
        const r = await sendSquareEvent(url, secret, event.body);
        event.statuses.add(r.status);
        onAnswer?.({ sentAt, at: Date.now(), status: r.status });
        if (typeof r.status === 'number' && r.status >= 200 && r.status < 300) {
          event.acked = true;
          break;
        }
        await sleep(Math.min(100 * 2 ** attempt, 2_000));
      }
    }
  };
  await Promise.all(Array.from({ length: senders }, worker));
}

/** The inbox rows of one connection: id, the provider's event id (or dedup key), status, processing attempts. */
export const inboxRows = (system, connectionId) =>
  withClient(system.database.url, async (client) => {
    const { rows } = await client.query(
      `SELECT id, coalesce(provider_event_id, dedup_key) AS "eventId", status, attempts
         FROM webhook.received_events WHERE connection_id = $1`,
      [connectionId],
    );
    return rows;
  });

/** ok (2xx and stored once), lost (2xx, not stored), unknown (never acknowledged), duplicated (stored twice). */
export function classify(events, rows) {
  const stored = new Map();
  for (const row of rows) stored.set(row.eventId, (stored.get(row.eventId) ?? 0) + 1);
  const tally = { ok: 0, lost: 0, unknown: 0, duplicated: 0 };
  for (const event of events) {
    const n = stored.get(event.id) ?? 0;
    if (n > 1) tally.duplicated += 1;
    if (event.acked) tally[n > 0 ? 'ok' : 'lost'] += 1;
    else tally.unknown += 1;
  }
  return tally;
}
