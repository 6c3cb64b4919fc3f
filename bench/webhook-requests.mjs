// autocannon request factory for the webhook-intake bench (loaded in the load-generator process): unique Shopify-style
// deliveries of about `bodyBytes`, HMAC-SHA256 over the exact body (same work as floors/signed-requests.mjs), each with
// its own X-Shopify-Webhook-Id so every request is a new event.
import { createHmac, randomBytes } from 'node:crypto';

export function makeRequests({ path, secret, bodyBytes = 1500 }) {
  const prefix = randomBytes(6).toString('hex');
  const filler = 'x'.repeat(Math.max(0, bodyBytes - 160));
  let sequence = 0;
  return [
    {
      method: 'POST',
      path,
      setupRequest(request) {
        sequence += 1;
        const id = `${prefix}-${sequence}`;
        const body = JSON.stringify({
          id,
          type: 'inventory.updated',
          created_at: new Date().toISOString(),
          data: { filler },
        });
        return {
          ...request,
          body,
          headers: {
            ...request.headers,
            'content-type': 'application/json',
            'x-shopify-hmac-sha256': createHmac('sha256', secret).update(body).digest('base64'),
            'x-shopify-topic': 'inventory_levels/update',
            'x-shopify-webhook-id': id,
            'x-shopify-event-id': id,
            'x-shopify-triggered-at': new Date().toISOString(),
          },
        };
      },
    },
  ];
}
