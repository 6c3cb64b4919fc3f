import { detectRateLimit, type RateLimitSpec, type RateSignals } from '@shelflink/providers';
import { ProviderCallError, providerErrorFromResponse } from '@shelflink/resilience';

/** What a response (its status and headers; the body is still unread) tells the account's rate budget. */
export function rateSignalsOf(
  spec: RateLimitSpec,
  response: { status: number; headers: Headers },
  now: Date,
): RateSignals {
  const { limited: _limited, code: _code, ...signals } = detectRateLimit(spec, response, now);
  return signals;
}

/**
 * The error of a refused response: rate limited (retried after the wait the response named, other calls held back)
 * when the provider's catalog entry says so, by its statuses and body codes, and a 429 always; else transient or not
 * by status. A body code of another provider's means nothing here.
 */
export function refusalError(
  spec: RateLimitSpec,
  response: { status: number; headers: Headers },
  text: string,
  now: Date,
): ProviderCallError {
  const signal = detectRateLimit(spec, { ...response, body: parsed(text) }, now);
  const { status } = response;
  if (!signal.limited) return providerErrorFromResponse({ status }, signal.retryAfterMs);
  return new ProviderCallError({
    code: signal.code ?? `HTTP_${status}`,
    status,
    transient: true,
    rateLimited: true,
    ...(signal.retryAfterMs !== undefined ? { retryAfterMs: signal.retryAfterMs } : {}),
  });
}

function parsed(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
