import fc from 'fast-check';
import {
  headerValue,
  parseCallLimit,
  parseRetryAfter,
  parseThrottleStatus,
  rateSignalsFrom,
} from './rate-signals.parser.js';

const NOW = Date.parse('2026-11-22T10:00:00Z');

describe('parseRetryAfter', () => {
  it.each([
    ['120', 120_000],
    ['2.0', 2000],
    ['0', 0],
    [' 7 ', 7000],
    ['Sun, 22 Nov 2026 10:00:30 GMT', 30_000],
    ['Sunday, 22-Nov-26 10:00:05 GMT', 5000],
    ['Sun, 22 Nov 2026 09:59:00 GMT', 0],
    ['86400', 15 * 60 * 1000],
  ])('%j → %d ms', (value, expected) => {
    expect(parseRetryAfter(value, NOW)).toBe(expected);
  });

  it.each([undefined, null, '', 'soon', '-5', '1e3', 'NaN', 'Nov 1', '5 seconds', '0x10'])('ignores %j', (value) => {
    expect(parseRetryAfter(value, NOW)).toBeUndefined();
  });

  it('honours a custom clamp', () => {
    expect(parseRetryAfter('60', NOW, 10_000)).toBe(10_000);
  });

  it('is total: any string gives undefined or a value within [0, max]', () => {
    fc.assert(
      fc.property(fc.string(), (value) => {
        const ms = parseRetryAfter(value, NOW, 60_000);
        expect(ms === undefined || (ms >= 0 && ms <= 60_000)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('parseCallLimit and parseThrottleStatus', () => {
  it('parses the Shopify call-limit header', () => {
    expect(parseCallLimit('32/40')).toEqual({ used: 32, limit: 40 });
    expect(parseCallLimit(' 3 / 80 ')).toEqual({ used: 3, limit: 80 });
    expect(parseCallLimit('32')).toBeUndefined();
    expect(parseCallLimit('1/0')).toBeUndefined();
    expect(parseCallLimit(undefined)).toBeUndefined();
  });

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

describe('rateSignalsFrom', () => {
  it('collects every signal of a response, headers in any case', () => {
    const signals = rateSignalsFrom(
      { headers: { 'Retry-After': '2.0', 'X-Shopify-Shop-Api-Call-Limit': '40/40' } },
      NOW,
    );
    expect(signals).toEqual({ retryAfterMs: 2000, callLimit: { used: 40, limit: 40 } });
  });

  it('reads fetch Headers and repeated header values', () => {
    expect(headerValue(new Headers({ 'retry-after': '3' }), 'Retry-After')).toBe('3');
    expect(headerValue({ 'retry-after': ['4', '9'] }, 'retry-after')).toBe('4');
  });

  it('returns no signals for a plain response', () => {
    expect(rateSignalsFrom({ headers: {}, body: { ok: true } }, NOW)).toEqual({});
  });
});
