// Square webhooks as Square sends them (HMAC-SHA256 over notification URL + body), and a connection to send them to.
import { createHmac } from 'node:crypto';
import { request } from './traffic.mjs';

export async function createSquareConnection(system, apiKey, alias) {
  const created = await request(`${system.url('gateway')}/api/v1/connections`, {
    method: 'POST',
    headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      provider: 'square',
      alias,
      credentials: { type: 'access-token', accessToken: 'chaos-square-token' },
    }),
  });
  if (created.status !== 201)
    throw new Error(`could not create a Square connection: ${created.status} ${created.body.slice(0, 200)}`);
  return JSON.parse(created.body).id;
}

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
