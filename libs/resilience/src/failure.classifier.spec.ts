import {
  classifyFailure,
  provesNotProcessed,
  providerErrorFromNetwork,
  providerErrorFromResponse,
  type HttpFailure,
} from './failure.classifier.js';
import { CircuitOpenError, ProviderCallError, RateLimitWaitTooLong, type FailureKind } from './resilience.errors.js';

function systemError(code: string, message = code): Error {
  return Object.assign(new Error(message), { code });
}

const httpCases: [string, HttpFailure, FailureKind, boolean][] = [
  ['500', { status: 500 }, 'transient', false],
  ['502', { status: 502 }, 'transient', false],
  ['503 with Retry-After', { status: 503, headers: { 'retry-after': '5' } }, 'transient', false],
  ['504', { status: 504 }, 'transient', false],
  ['408 request timeout', { status: 408 }, 'transient', false],
  ['429', { status: 429 }, 'rate-limited', true],
  // A provider's own rate-limit body codes (NetSuite, Celigo, Shopify THROTTLED) are read from its catalog entry:
  // libs/providers' detectRateLimit and sync-service's rate-limit.decision specs.
  ['400 validation error', { status: 400 }, 'permanent', false],
  ['401', { status: 401 }, 'permanent', false],
  ['403', { status: 403 }, 'permanent', false],
  ['404', { status: 404 }, 'permanent', false],
  ['409', { status: 409 }, 'permanent', false],
  ['422', { status: 422 }, 'permanent', false],
  ['POST 500 (not proof it was not processed)', { status: 500, method: 'POST' }, 'transient', false],
];

describe('classifyFailure on HTTP failures', () => {
  it.each(httpCases)('%s', (_name, failure, kind, notProcessed) => {
    expect(classifyFailure(failure)).toBe(kind);
    expect(provesNotProcessed(failure)).toBe(notProcessed);
  });
});

const errorCases: [string, unknown, FailureKind, boolean][] = [
  ['ECONNRESET', systemError('ECONNRESET'), 'transient', false],
  ['ETIMEDOUT', systemError('ETIMEDOUT'), 'transient', false],
  ['ECONNREFUSED', systemError('ECONNREFUSED'), 'transient', true],
  ['socket hang up', Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }), 'transient', false],
  ['socket hang up without code', new Error('socket hang up'), 'transient', false],
  [
    'fetch failed caused by ECONNREFUSED',
    new TypeError('fetch failed', { cause: systemError('ECONNREFUSED') }),
    'transient',
    true,
  ],
  [
    'fetch failed caused by undici socket',
    new TypeError('fetch failed', { cause: systemError('UND_ERR_SOCKET') }),
    'transient',
    false,
  ],
  ['AbortSignal.timeout', new DOMException('The operation timed out', 'TimeoutError'), 'transient', false],
  ['caller abort', new DOMException('This operation was aborted', 'AbortError'), 'permanent', false],
  ['programming error', new TypeError('x is not a function'), 'permanent', false],
  ['non-error value', 'boom', 'permanent', false],
  ['open circuit', new CircuitOpenError('square:conn_1'), 'permanent', false],
  ['rate-limit wait too long', new RateLimitWaitTooLong('square:conn_1', 5000, 1000), 'permanent', false],
  [
    'ProviderCallError 503',
    new ProviderCallError({ code: 'HTTP_503', status: 503, transient: true }),
    'transient',
    false,
  ],
  [
    'ProviderCallError 429',
    new ProviderCallError({ code: 'HTTP_429', status: 429, transient: true }),
    'rate-limited',
    true,
  ],
  [
    'ProviderCallError 401',
    new ProviderCallError({ code: 'HTTP_401', status: 401, transient: false }),
    'permanent',
    false,
  ],
  [
    'ProviderCallError ECONNREFUSED',
    new ProviderCallError({ code: 'ECONNREFUSED', transient: true }),
    'transient',
    true,
  ],
];

describe('classifyFailure on thrown errors', () => {
  it.each(errorCases)('%s', (_name, error, kind, notProcessed) => {
    expect(classifyFailure(error)).toBe(kind);
    expect(provesNotProcessed(error)).toBe(notProcessed);
  });
});

describe('ProviderCallError builders', () => {
  it('builds a rate-limited error from a 429 with its wait, named by status only', () => {
    const error = providerErrorFromResponse({ status: 429 }, 1500);
    expect(error).toMatchObject({ code: 'HTTP_429', status: 429, transient: true, rateLimited: true });
    expect(error.retryAfterMs).toBe(1500);
    expect(providerErrorFromResponse({ status: 400 })).toMatchObject({
      code: 'HTTP_400',
      transient: false,
      rateLimited: false,
    });
  });

  it('treats a 429 as transient and rate-limited even when the caller said otherwise', () => {
    expect(new ProviderCallError({ code: 'HTTP_429', status: 429, transient: false })).toMatchObject({
      transient: true,
      rateLimited: true,
      notProcessed: true,
    });
  });

  it('builds a permanent error for a 403', () => {
    expect(providerErrorFromResponse({ status: 403 })).toMatchObject({
      code: 'HTTP_403',
      transient: false,
      notProcessed: false,
    });
  });

  it('keeps only the network code and the original as cause', () => {
    const original = new TypeError('fetch failed', {
      cause: systemError('ECONNREFUSED', 'connect ECONNREFUSED 10.0.0.1:443'),
    });
    const error = providerErrorFromNetwork(original);
    expect(error).toMatchObject({ code: 'ECONNREFUSED', transient: true, notProcessed: true });
    expect(error.cause).toBe(original);
    expect(error.message).toBe('Provider call failed: network error ECONNREFUSED');
  });

  it('falls back to NETWORK_ERROR for an error without a code', () => {
    expect(providerErrorFromNetwork(new Error('weird'))).toMatchObject({ code: 'NETWORK_ERROR', transient: false });
  });
});
