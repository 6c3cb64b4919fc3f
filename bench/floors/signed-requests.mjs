// autocannon request factory (loaded inside the load-generator process): unique JSON events of about `bodyBytes`,
// each signed with HMAC-SHA256 over the exact body bytes. Usable by any bench via runLoad({ requestModule }).
import { createHmac, randomBytes } from 'node:crypto';

export function makeRequests({
  path = '/',
  secret = 'bench-secret',
  bodyBytes = 1500,
  header = 'x-signature',
  encoding = 'base64',
  extraHeaders = {},
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
        const body = JSON.stringify({
          id: `${prefix}-${sequence}`,
          type: 'inventory.updated',
          created_at: new Date().toISOString(),
          data: { filler },
        });
        const signature = createHmac('sha256', secret).update(body).digest(encoding);
        return {
          ...request,
          body,
          headers: { ...request.headers, ...extraHeaders, 'content-type': 'application/json', [header]: signature },
        };
      },
    },
  ];
}
