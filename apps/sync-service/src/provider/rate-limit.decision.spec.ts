import { PROVIDER_CATALOG } from '@shelflink/providers';
import { rateSignalsOf, refusalError } from './rate-limit.decision.js';

const now = new Date('2026-11-22T10:00:00.000Z');
const { netsuite, celigo, jira, shopify, square } = PROVIDER_CATALOG;
const SSS = JSON.stringify({ 'o:errorDetails': [{ 'o:errorCode': 'SSS_REQUEST_LIMIT_EXCEEDED' }] });

describe('the HTTP client reads rate limits from the catalog', () => {
  it("NetSuite's SSS_REQUEST_LIMIT_EXCEEDED on a 400 is retried as rate limited; for Square it is a plain 400", () => {
    const limited = refusalError(netsuite.rateLimit, { status: 400, headers: new Headers() }, SSS, now);
    expect(limited).toMatchObject({ code: 'SSS_REQUEST_LIMIT_EXCEEDED', rateLimited: true, transient: true });
    const plain = refusalError(square.rateLimit, { status: 400, headers: new Headers() }, SSS, now);
    expect(plain).toMatchObject({ code: 'HTTP_400', rateLimited: false, transient: false });
  });

  it("Celigo's body code names the error; Jira's exhausted budget sets the wait", () => {
    const body = JSON.stringify({ errors: [{ code: 'rate_limited' }] });
    expect(refusalError(celigo.rateLimit, { status: 429, headers: new Headers() }, body, now)).toMatchObject({
      code: 'rate_limited',
      rateLimited: true,
    });
    const headers = new Headers({ 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '2026-11-22T10:00:45Z' });
    expect(refusalError(jira.rateLimit, { status: 429, headers }, 'not json', now)).toMatchObject({
      code: 'HTTP_429',
      rateLimited: true,
      retryAfterMs: 45_000,
    });
  });

  it('a 5xx stays transient and not rate limited; a 429 is rate limited whatever the entry lists', () => {
    expect(refusalError(square.rateLimit, { status: 503, headers: new Headers() }, '', now)).toMatchObject({
      rateLimited: false,
      transient: true,
    });
    const none = { ...square.rateLimit, statuses: [] };
    expect(refusalError(none, { status: 429, headers: new Headers() }, '', now)).toMatchObject({ rateLimited: true });
  });

  it('reports to the budget only the signals the entry declares', () => {
    const headers = new Headers({ 'retry-after': '2', 'x-shopify-shop-api-call-limit': '40/40' });
    expect(rateSignalsOf(shopify.rateLimit, { status: 200, headers }, now)).toEqual({
      retryAfterMs: 2000,
      callLimit: { used: 40, limit: 40 },
    });
    expect(rateSignalsOf(square.rateLimit, { status: 200, headers }, now)).toEqual({ retryAfterMs: 2000 });
  });
});
