import type { RateLimitSpec } from '../provider-definition.js';
import {
  DEFAULT_MAX_RETRY_AFTER_MS,
  headerValue,
  parseShopifyCallLimit,
  parseThrottleStatus,
  type HeaderBag,
  type RateSignals,
} from './rate-signals.js';
import { parseRetryAfter } from './retry-after.js';

export { parseShopifyCallLimit, type CallLimit } from './rate-signals.js';

/** A provider response reduced to what rate-limit detection needs. */
export interface RateLimitResponse {
  readonly status: number;
  readonly headers: HeaderBag;
  /** Parsed JSON body, when there is one. */
  readonly body?: unknown;
}

/** What a response says about throttling, read as the provider's catalog entry says. */
export interface RateLimitSignal extends RateSignals {
  /** The provider refused this request for its rate or concurrency limit. */
  readonly limited: boolean;
  /** The catalog's body error code that said so (NetSuite `SSS_REQUEST_LIMIT_EXCEEDED`), when one did. */
  readonly code?: string;
}

/**
 * Reads a response against a provider's {@link RateLimitSpec}, and only what it declares: limited statuses, body error
 * codes (NetSuite `SSS_REQUEST_LIMIT_EXCEEDED` on a 400), Shopify GraphQL `THROTTLED` and throttle status,
 * `Retry-After`, the call-limit header, and `X-RateLimit-*` (an exhausted budget waits for its reset). Waits are
 * clamped to `maxRetryAfterMs`.
 */
export function detectRateLimit(
  spec: RateLimitSpec,
  response: RateLimitResponse,
  now: Date,
  maxRetryAfterMs = DEFAULT_MAX_RETRY_AFTER_MS,
): RateLimitSignal {
  const header = (name: string): string | undefined => headerValue(response.headers, name);
  const codes = errorCodes(response.body);
  const code = (spec.bodyErrorCodes ?? []).find((e) => e.status === response.status && codes.includes(e.code))?.code;
  const throttled = spec.graphqlThrottleStatus === true && codes.includes('THROTTLED');
  const limited = spec.statuses.includes(response.status) || code !== undefined || throttled;
  const maxSeconds = maxRetryAfterMs / 1000;
  const waits = [
    spec.retryAfterHeader ? parseRetryAfter(header('retry-after'), now, { maxSeconds }) : undefined,
    spec.rateLimitHeaders ? untilReset(spec.rateLimitHeaders, header, now, maxRetryAfterMs) : undefined,
  ].filter((ms): ms is number => ms !== undefined);
  const callLimit = spec.callLimitHeader ? parseShopifyCallLimit(header(spec.callLimitHeader)) : undefined;
  const throttleStatus = spec.graphqlThrottleStatus ? parseThrottleStatus(response.body) : undefined;
  return {
    limited,
    ...(code !== undefined ? { code } : throttled ? { code: 'THROTTLED' } : {}),
    ...(waits.length > 0 ? { retryAfterMs: Math.max(...waits) } : {}),
    ...(callLimit ? { callLimit } : {}),
    ...(throttleStatus ? { throttleStatus } : {}),
  };
}

// No request left in the window: none may go before the reset (Jira: ISO 8601; others epoch or delta seconds).
function untilReset(
  names: NonNullable<RateLimitSpec['rateLimitHeaders']>,
  header: (name: string) => string | undefined,
  now: Date,
  maxMs: number,
): number | undefined {
  if (header(names.remaining)?.trim() !== '0') return undefined;
  const reset = header(names.reset)?.trim() ?? '';
  const seconds = /^[0-9]{1,12}$/.test(reset) ? Number(reset) : undefined;
  const at =
    seconds === undefined ? Date.parse(reset) : seconds > 1e9 ? seconds * 1000 : now.getTime() + seconds * 1000;
  return Number.isNaN(at) ? undefined : Math.min(Math.max(at - now.getTime(), 0), maxMs);
}

// Error codes in the shapes our providers use: Square/Celigo `errors[].code`, NetSuite `o:errorDetails[].o:errorCode`,
// GraphQL `errors[].extensions.code`.
function errorCodes(body: unknown): string[] {
  if (typeof body !== 'object' || body === null) return [];
  const record = body as Record<string, unknown>;
  const entries = [record['errors'], record['o:errorDetails']].flatMap((list) =>
    Array.isArray(list) ? (list as unknown[]) : [],
  );
  return entries.flatMap((entry) => {
    if (typeof entry !== 'object' || entry === null) return [];
    const e = entry as Record<string, unknown>;
    const extensions = e['extensions'];
    const nested =
      typeof extensions === 'object' && extensions !== null
        ? (extensions as Record<string, unknown>)['code']
        : undefined;
    return [e['code'], e['o:errorCode'], nested].filter((c): c is string => typeof c === 'string');
  });
}
