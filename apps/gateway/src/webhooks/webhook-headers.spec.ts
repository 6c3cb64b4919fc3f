import { selectWebhookHeaders } from './webhook-headers.js';

describe('selectWebhookHeaders', () => {
  it('keeps signature and identity headers, lower-cased, and drops everything else', () => {
    const headers = selectWebhookHeaders([
      'Content-Type',
      'application/json',
      'X-Shopify-Hmac-Sha256',
      'abc=',
      'X-Shopify-Webhook-Id',
      'w1',
      'Webhook-Signature',
      'v1,x',
      'Authorization',
      'Bearer secret',
      'Cookie',
      'a=b',
      'X-Forwarded-For',
      '1.2.3.4',
      'Square-Retry-Number',
      '0',
    ]);
    expect(headers).toEqual({
      'content-type': 'application/json',
      'x-shopify-hmac-sha256': 'abc=',
      'x-shopify-webhook-id': 'w1',
      'webhook-signature': 'v1,x',
      'square-retry-number': '0',
    });
  });

  it("keeps Shopify's unprefixed headers under their X- names, and both spellings as a repeat", () => {
    expect(
      selectWebhookHeaders(['shopify-hmac-sha256', 'abc=', 'Shopify-Topic', 'orders/create', 'shopify-event-id', 'e1']),
    ).toEqual({ 'x-shopify-hmac-sha256': 'abc=', 'x-shopify-topic': 'orders/create', 'x-shopify-event-id': 'e1' });
    expect(selectWebhookHeaders(['x-shopify-topic', 'a', 'shopify-topic', 'b'])).toEqual({
      'x-shopify-topic': ['a', 'b'],
    });
  });

  it('keeps a repeated header as an array so verifiers can refuse it', () => {
    expect(selectWebhookHeaders(['x-hub-signature', 'a', 'X-Hub-Signature', 'b'])).toEqual({
      'x-hub-signature': ['a', 'b'],
    });
  });

  it('returns a plain object even for a __proto__ header name', () => {
    const headers = selectWebhookHeaders(['__proto__', 'x', 'webhook-id', 'm1']);
    expect(headers).toEqual({ 'webhook-id': 'm1' });
    expect(Object.getPrototypeOf(headers)).toBe(Object.prototype);
  });
});
