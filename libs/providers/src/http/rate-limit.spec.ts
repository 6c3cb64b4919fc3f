import { PROVIDER_CATALOG } from '../catalog/catalog.js';
import { genericOAuth2Provider } from '../catalog/generic.provider.js';
import { detectRateLimit } from './rate-limit.js';

const now = new Date('2026-11-22T10:00:00.000Z');
const { square, shopify, netsuite, plytix, jira, celigo } = PROVIDER_CATALOG;
const generic = genericOAuth2Provider({
  key: 'acme',
  authorizeUrl: 'https://acme.test/authorize',
  tokenUrl: 'https://acme.test/token',
  apiBaseUrl: 'https://api.acme.test',
});

describe('detectRateLimit: each provider as its catalog entry says', () => {
  it('Square: a 429 RATE_LIMITED is limited, with its body code; Retry-After is honoured', () => {
    const body = { errors: [{ category: 'RATE_LIMIT_ERROR', code: 'RATE_LIMITED' }] };
    expect(detectRateLimit(square.rateLimit, { status: 429, headers: { 'retry-after': '3' }, body }, now)).toEqual({
      limited: true,
      code: 'RATE_LIMITED',
      retryAfterMs: 3000,
    });
  });

  it('Shopify: reads its call-limit header; another provider sending that header is not read', () => {
    const headers = { 'X-Shopify-Shop-Api-Call-Limit': '39/40' };
    expect(detectRateLimit(shopify.rateLimit, { status: 200, headers }, now)).toEqual({
      limited: false,
      callLimit: { used: 39, limit: 40 },
    });
    expect(detectRateLimit(square.rateLimit, { status: 200, headers }, now)).toEqual({ limited: false });
  });

  it('Shopify GraphQL: THROTTLED on a 200 is limited, and the throttle status is read', () => {
    const throttleStatus = { maximumAvailable: 2000, currentlyAvailable: 10, restoreRate: 100 };
    const body = { errors: [{ extensions: { code: 'THROTTLED' } }], extensions: { cost: { throttleStatus } } };
    expect(detectRateLimit(shopify.rateLimit, { status: 200, headers: {}, body }, now)).toEqual({
      limited: true,
      code: 'THROTTLED',
      throttleStatus,
    });
    expect(detectRateLimit(celigo.rateLimit, { status: 200, headers: {}, body }, now).limited).toBe(false);
  });

  it("NetSuite: SSS_REQUEST_LIMIT_EXCEEDED on a 400 is limited; another provider's code on a 400 is not", () => {
    const body = { 'o:errorDetails': [{ 'o:errorCode': 'SSS_REQUEST_LIMIT_EXCEEDED' }] };
    expect(detectRateLimit(netsuite.rateLimit, { status: 400, headers: {}, body }, now)).toEqual({
      limited: true,
      code: 'SSS_REQUEST_LIMIT_EXCEEDED',
    });
    expect(detectRateLimit(plytix.rateLimit, { status: 400, headers: {}, body }, now).limited).toBe(false);
    expect(detectRateLimit(generic.rateLimit, { status: 400, headers: {}, body }, now).limited).toBe(false);
  });

  it('Celigo: a 429 with its body code rate_limited is limited under that code', () => {
    const body = { errors: [{ code: 'rate_limited', message: 'Too many requests' }] };
    expect(detectRateLimit(celigo.rateLimit, { status: 429, headers: {}, body }, now)).toEqual({
      limited: true,
      code: 'rate_limited',
    });
  });

  it('Jira: X-RateLimit-Remaining 0 waits until X-RateLimit-Reset (ISO 8601), the longer of it and Retry-After', () => {
    const headers = {
      'Retry-After': '5',
      'X-RateLimit-Limit': '100',
      'X-RateLimit-Remaining': '0',
      'X-RateLimit-Reset': '2026-11-22T10:00:30.000Z',
    };
    expect(detectRateLimit(jira.rateLimit, { status: 429, headers }, now)).toEqual({
      limited: true,
      retryAfterMs: 30_000,
    });
    const left = { ...headers, 'Retry-After': undefined, 'X-RateLimit-Remaining': '12' };
    expect(detectRateLimit(jira.rateLimit, { status: 200, headers: left }, now)).toEqual({ limited: false });
    // The same headers mean nothing for a provider whose entry does not declare them.
    expect(
      detectRateLimit(plytix.rateLimit, { status: 200, headers: { ...headers, 'Retry-After': undefined } }, now),
    ).toEqual({ limited: false });
  });

  it('reads a reset given as epoch or delta seconds, ignores garbage, and clamps the wait', () => {
    const spec = jira.rateLimit;
    const at = (reset: string): number | undefined =>
      detectRateLimit(spec, { status: 200, headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': reset } }, now)
        .retryAfterMs;
    expect(at(String(now.getTime() / 1000 + 20))).toBe(20_000);
    expect(at('7')).toBe(7000);
    expect(at('soon')).toBeUndefined();
    expect(at('2026-11-22T09:00:00Z')).toBe(0);
    expect(at('2026-11-23T10:00:00Z')).toBe(15 * 60 * 1000);
  });

  it('Plytix and declared providers: 429 with Retry-After', () => {
    for (const spec of [plytix.rateLimit, generic.rateLimit])
      expect(detectRateLimit(spec, { status: 429, headers: { 'retry-after': '10' } }, now)).toEqual({
        limited: true,
        retryAfterMs: 10_000,
      });
  });
});
