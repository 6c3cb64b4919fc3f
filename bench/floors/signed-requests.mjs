// autocannon request factory (loaded inside the load-generator process): unique JSON events of about `bodyBytes`,
// each signed with HMAC-SHA256 over the exact body bytes. The body is a Shopify `inventory_levels/update` payload, so
// webhook-ingest processes it like a real one (an event it cannot map would be retried and dead-lettered instead).
// Usable by any bench via runLoad({ requestModule }): the floor signs into `x-signature`; the webhook-intake bench
// sends Shopify-style deliveries with the event id in `idHeaders` (X-Shopify-Webhook-Id), so every request is new.
import { createHmac, randomBytes } from 'node:crypto';

export function makeRequests({
  path = '/',
  secret = 'bench-secret',
  bodyBytes = 1500,
  header = 'x-signature',
  encoding = 'base64',
  extraHeaders = {},
  idHeaders = [],
}) {
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
          inventory_item_id: sequence,
          location_id: 1,
          available: sequence % 100,
          updated_at: new Date().toISOString(),
          data: { filler },
        });
        const signature = createHmac('sha256', secret).update(body).digest(encoding);
        const ids = Object.fromEntries(idHeaders.map((name) => [name, id]));
        return {
          ...request,
          body,
          headers: {
            ...request.headers,
            ...extraHeaders,
            ...ids,
            'content-type': 'application/json',
            [header]: signature,
          },
        };
      },
    },
  ];
}
