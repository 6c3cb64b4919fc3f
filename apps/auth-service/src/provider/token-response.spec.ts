import { getCatalogProvider, findAuth, type OAuth2AuthSpec } from '@shelflink/providers';
import { parseTokenResponse, readPath, requestHeaders } from './token-response.js';

const oauth = (key: 'square' | 'shopify'): OAuth2AuthSpec => {
  const spec = findAuth(getCatalogProvider(key), 'oauth2');
  if (!spec) throw new Error(`no oauth2 spec for ${key}`);
  return spec;
};
const now = Date.UTC(2026, 0, 1);

describe('parseTokenResponse', () => {
  it("reads Square's expires_at and merchant id", () => {
    const tokens = parseTokenResponse(
      oauth('square'),
      {
        access_token: 'a',
        refresh_token: 'r',
        expires_at: '2026-01-31T00:00:00Z',
        merchant_id: 'M1',
        token_type: 'bearer',
      },
      now,
    );
    expect(tokens).toMatchObject({ accessToken: 'a', refreshToken: 'r', extras: { merchantId: 'M1' } });
    expect(tokens?.accessExpiresAt?.toISOString()).toBe('2026-01-31T00:00:00.000Z');
  });

  it("reads Shopify's expires_in and refresh_token_expires_in; no expiry means non-expiring", () => {
    const tokens = parseTokenResponse(
      oauth('shopify'),
      { access_token: 'a', expires_in: 3600, refresh_token: 'r', refresh_token_expires_in: 7_776_000 },
      now,
    );
    expect(tokens?.accessExpiresAt?.getTime()).toBe(now + 3_600_000);
    expect(tokens?.refreshExpiresAt?.getTime()).toBe(now + 7_776_000_000);
    expect(
      parseTokenResponse(oauth('shopify'), { access_token: 'a', scope: 'read_products' }, now)?.accessExpiresAt,
    ).toBeNull();
  });

  it('keeps no refresh token when the provider omits it, and rejects a body without an access token', () => {
    expect(parseTokenResponse(oauth('shopify'), { access_token: 'a' }, now)?.refreshToken).toBeUndefined();
    expect(parseTokenResponse(oauth('shopify'), { error: 'invalid_grant' }, now)).toBeUndefined();
    expect(parseTokenResponse(oauth('shopify'), undefined, now)).toBeUndefined();
  });
});

describe('requestHeaders', () => {
  it('uses the catalog header and pinned extras', () => {
    expect(requestHeaders(getCatalogProvider('shopify'), 't')).toEqual({ 'X-Shopify-Access-Token': 't' });
    expect(requestHeaders(getCatalogProvider('square'), 't')).toMatchObject({
      Authorization: 'Bearer t',
      'Square-Version': expect.any(String),
    });
  });
});

describe('readPath', () => {
  it('walks dotted paths through arrays and stops at non-objects', () => {
    expect(readPath({ data: [{ access_token: 'x' }] }, 'data.0.access_token')).toBe('x');
    expect(readPath({ data: 'x' }, 'data.0.access_token')).toBeUndefined();
  });
});
