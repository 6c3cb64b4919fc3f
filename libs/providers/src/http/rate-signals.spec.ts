import fc from 'fast-check';
import { detectRateLimit, parseShopifyCallLimit } from './rate-limit.js';
import { headerValue, parseThrottleStatus } from './rate-signals.js';
import { parseRetryAfter } from './retry-after.js';
import { PROVIDER_CATALOG } from '../catalog/catalog.js';

const now = new Date('2026-11-22T10:00:00.000Z');

describe('parseRetryAfter', () => {
  it.each([
    ['0', 0],
    ['2', 2000],
    ['2.0', 2000],
    ['0.25', 250],
    [' 30 ', 30000],
    ['Sun, 22 Nov 2026 10:00:30 GMT', 30000],
    ['Sunday, 22-Nov-26 10:01:00 GMT', 60000],
    ['Sunday, 22-Nov-26 10:00:05 GMT', 5000],
    ['Sun Nov 22 10:00:05 2026', 5000],
    ['Sun, 22 Nov 2026 09:00:00 GMT', 0],
    ['999999', 3_600_000],
    ['2026', 2_026_000],
    ['120', 120_000],
    ['1234567890123', 3_600_000],
  ])('%j → %d ms', (value, ms) => {
    expect(parseRetryAfter(value, now)).toBe(ms);
  });

  it.each([
    '',
    'soon',
    '-5',
    '1e3',
    '0x10',
    'NaN',
    'Nov 1',
    '5 seconds',
    '1.',
    'Sun, 31 Feb 2026 10:00:00 GMT',
    'Sun, 22 Nov 2026 10:00:30 UTC',
    '1,2',
  ])('ignores garbage %j', (value) => {
    expect(parseRetryAfter(value, now)).toBeUndefined();
  });

  it('ignores absent and repeated headers, and clamps to the configured maximum', () => {
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
    expect(parseRetryAfter(['1', '2'], now)).toBeUndefined();
    expect(parseRetryAfter('120', now, { maxSeconds: 60 })).toBe(60_000);
  });

  it('is total: any string gives undefined or a value within [0, max]', () => {
    fc.assert(
      fc.property(fc.string(), (value) => {
        const ms = parseRetryAfter(value, now, { maxSeconds: 60 });
        expect(ms === undefined || (ms >= 0 && ms <= 60_000)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('parseShopifyCallLimit', () => {
  it('parses used/limit', () => {
    expect(parseShopifyCallLimit('32/40')).toEqual({ used: 32, limit: 40 });
    expect(parseShopifyCallLimit(' 3 / 80 ')).toEqual({ used: 3, limit: 80 });
    expect(parseShopifyCallLimit('41/40')).toEqual({ used: 41, limit: 40 });
  });

  it.each([undefined, null, '', '32', '32/0', '1/0', 'a/b', '32/40/1', '-1/40'])('refuses %j', (value) => {
    expect(parseShopifyCallLimit(value)).toBeUndefined();
  });
});

describe('parseThrottleStatus', () => {
  it('reads the GraphQL throttle status', () => {
    const body = {
      data: {},
      extensions: {
        cost: {
          requestedQueryCost: 12,
          throttleStatus: { maximumAvailable: 2000, currentlyAvailable: 1988, restoreRate: 100 },
        },
      },
    };
    expect(parseThrottleStatus(body)).toEqual({ maximumAvailable: 2000, currentlyAvailable: 1988, restoreRate: 100 });
    expect(parseThrottleStatus({ extensions: { cost: {} } })).toBeUndefined();
    expect(parseThrottleStatus('text')).toBeUndefined();
  });
});

describe('headerValue', () => {
  it('reads fetch Headers and repeated header values', () => {
    expect(headerValue(new Headers({ 'retry-after': '3' }), 'Retry-After')).toBe('3');
    expect(headerValue({ 'retry-after': ['4', '9'] }, 'retry-after')).toBe('4');
  });
});

describe('detectRateLimit', () => {
  it('reads 429 + Retry-After and Shopify call limits', () => {
    const signal = detectRateLimit(
      PROVIDER_CATALOG.shopify.rateLimit,
      { status: 429, headers: { 'Retry-After': '2.0', 'x-shopify-shop-api-call-limit': '40/40' } },
      now,
    );
    expect(signal).toEqual({ limited: true, retryAfterMs: 2000, callLimit: { used: 40, limit: 40 } });
  });

  it('treats NetSuite SSS_REQUEST_LIMIT_EXCEEDED on a 400 as rate limited, other 400s not', () => {
    const spec = PROVIDER_CATALOG.netsuite.rateLimit;
    const body = { 'o:errorDetails': [{ detail: 'x', 'o:errorCode': 'SSS_REQUEST_LIMIT_EXCEEDED' }] };
    expect(detectRateLimit(spec, { status: 400, headers: {}, body }, now).limited).toBe(true);
    expect(
      detectRateLimit(
        spec,
        { status: 400, headers: {}, body: { 'o:errorDetails': [{ 'o:errorCode': 'INVALID_PARAMETER' }] } },
        now,
      ).limited,
    ).toBe(false);
  });

  it('treats a Shopify GraphQL THROTTLED error on a 200 as rate limited', () => {
    const body = { errors: [{ message: 'Throttled', extensions: { code: 'THROTTLED' } }] };
    expect(detectRateLimit(PROVIDER_CATALOG.shopify.rateLimit, { status: 200, headers: {}, body }, now).limited).toBe(
      true,
    );
    expect(
      detectRateLimit(PROVIDER_CATALOG.shopify.rateLimit, { status: 200, headers: {}, body: {} }, now).limited,
    ).toBe(false);
  });
});
