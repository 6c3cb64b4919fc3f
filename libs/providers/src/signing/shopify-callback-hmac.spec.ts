import { createHmac } from 'node:crypto';
import { shopifyCallbackMessage, verifyShopifyCallbackHmac } from './shopify-callback-hmac.js';

// Shopify's documented example: secret "hush".
const EXAMPLE =
  'code=0907a61c0c8d55e99db179b68161bc00&hmac=700e2dadb827fcc8609e9d5ce208b2e9cdaab9df07390d2cbca10d7c328fc4bf&shop=some-shop.myshopify.com&state=0.6784241404160823&timestamp=1337178173';

describe('verifyShopifyCallbackHmac', () => {
  it('accepts the documented example as a string, URLSearchParams and a record', () => {
    expect(verifyShopifyCallbackHmac(EXAMPLE, 'hush')).toBe(true);
    expect(verifyShopifyCallbackHmac(`?${EXAMPLE}`, 'hush')).toBe(true);
    expect(verifyShopifyCallbackHmac(new URLSearchParams(EXAMPLE), 'hush')).toBe(true);
    expect(verifyShopifyCallbackHmac(Object.fromEntries(new URLSearchParams(EXAMPLE)), 'hush')).toBe(true);
  });

  it('sorts by key and ignores hmac and signature', () => {
    const params = {
      timestamp: '1',
      shop: 'a.myshopify.com',
      code: 'c',
      signature: 'ignored',
      host: 'YWRtaW4uc2hvcGlmeS5jb20vc3RvcmUvYQ==',
    };
    const message = 'code=c&host=YWRtaW4uc2hvcGlmeS5jb20vc3RvcmUvYQ%3D%3D&shop=a.myshopify.com&timestamp=1';
    expect(shopifyCallbackMessage(params)).toBe(message);
    const hmac = createHmac('sha256', 's').update(message).digest('hex');
    expect(verifyShopifyCallbackHmac({ ...params, hmac }, 's')).toBe(true);
  });

  it('encodes spaces as %20 like the Shopify SDK', () => {
    expect(shopifyCallbackMessage({ state: 'a b+c' })).toBe('state=a%20b%2Bc');
  });

  it('refuses tampering, wrong secrets and malformed hmacs without throwing', () => {
    expect(verifyShopifyCallbackHmac(EXAMPLE.replace('some-shop', 'evil-shop'), 'hush')).toBe(false);
    expect(verifyShopifyCallbackHmac(EXAMPLE, 'wrong')).toBe(false);
    expect(verifyShopifyCallbackHmac(EXAMPLE, '')).toBe(false);
    expect(verifyShopifyCallbackHmac(EXAMPLE.replace(/hmac=[0-9a-f]+/, 'hmac=abc'), 'hush')).toBe(false);
    expect(verifyShopifyCallbackHmac(EXAMPLE.replace(/hmac=[0-9a-f]+/, 'hmac=é'), 'hush')).toBe(false);
    expect(verifyShopifyCallbackHmac(`${EXAMPLE}&hmac=${'0'.repeat(64)}`, 'hush')).toBe(false);
    expect(verifyShopifyCallbackHmac(EXAMPLE.replace(/&hmac=[0-9a-f]+/, ''), 'hush')).toBe(false);
    expect(verifyShopifyCallbackHmac({ hmac: ['a', 'b'] }, 'hush')).toBe(false);
  });
});
