import { createHmac } from 'node:crypto';
import { shopifyProvider } from '../catalog/shopify.provider.js';
import { squareProvider } from '../catalog/square.provider.js';
import { connectionAccountKey } from './webhook-body.js';
import { verifyWebhook } from './verify-webhook.js';

const now = new Date('2026-05-20T14:30:00.000Z');
const b64 = (key: string, ...parts: string[]) => {
  const mac = createHmac('sha256', key);
  for (const part of parts) mac.update(part);
  return mac.digest('base64');
};

// The account key routes app-level deliveries: read from where the catalog says, and only from authentic ones.
describe('account key', () => {
  it("reads Square's merchant_id from the verified body", () => {
    const url = 'https://example.com/webhooks/square';
    const body = '{"merchant_id":"MLA","event_id":"e1","type":"order.updated"}';
    const headers = { 'x-square-hmacsha256-signature': b64('key', url, body) };
    const result = verifyWebhook('square-hmac', {
      rawBody: Buffer.from(body),
      headers,
      secrets: ['key'],
      now,
      notificationUrl: url,
    });
    expect(result).toMatchObject({ ok: true, accountKey: 'MLA' });
    expect(result).not.toHaveProperty('compliance');
  });

  it("reads Shopify's shop domain from the header and flags the compliance topics", () => {
    const body = '{"shop_id":1,"shop_domain":"s.myshopify.com"}';
    const headers = (topic: string) => ({
      'x-shopify-hmac-sha256': b64('secret', body),
      'x-shopify-topic': topic,
      'x-shopify-webhook-id': 'w1',
      'x-shopify-shop-domain': 's.myshopify.com',
    });
    const verify = (topic: string) =>
      verifyWebhook('shopify-hmac', { rawBody: Buffer.from(body), headers: headers(topic), secrets: ['secret'], now });
    expect(verify('shop/redact')).toMatchObject({ ok: true, accountKey: 's.myshopify.com', compliance: true });
    expect(verify('orders/updated')).toMatchObject({ ok: true, accountKey: 's.myshopify.com' });
    expect(verify('orders/updated')).not.toHaveProperty('compliance');
  });

  it('leaves the account out of a forged delivery, which is refused', () => {
    const body = '{"merchant_id":"MLA","event_id":"e1","type":"order.updated"}';
    const result = verifyWebhook('square-hmac', {
      rawBody: Buffer.from(body),
      headers: { 'x-square-hmacsha256-signature': b64('other', 'u', body) },
      secrets: ['key'],
      now,
      notificationUrl: 'u',
    });
    expect(result).toEqual({ ok: false, code: 'BAD_SIGNATURE' });
  });

  it("names a connection's account from the metadata field the catalog declares", () => {
    expect(connectionAccountKey(squareProvider.webhook, { merchantId: 'MLA' })).toBe('MLA');
    expect(connectionAccountKey(shopifyProvider.webhook, { shop: 's.myshopify.com' })).toBe('s.myshopify.com');
    expect(connectionAccountKey(squareProvider.webhook, { shop: 'x' })).toBeUndefined();
    expect(connectionAccountKey({ scheme: 'standard-webhooks' }, { merchantId: 'MLA' })).toBeUndefined();
  });
});
