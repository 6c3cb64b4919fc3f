import type { RateLimitSpec } from '../provider-definition.js';
import { parseRetryAfter } from './retry-after.js';

/** Shopify REST `X-Shopify-Shop-Api-Call-Limit: used/limit`. */
export interface CallLimit {
  readonly used: number;
  readonly limit: number;
}

/** Parses `"32/40"` (blanks around the numbers allowed); undefined when absent, repeated or malformed. */
export function parseShopifyCallLimit(value: string | readonly string[] | null | undefined): CallLimit | undefined {
  if (typeof value !== 'string') return undefined;
  const match = /^\s*([0-9]{1,6})\s*\/\s*([0-9]{1,6})\s*$/.exec(value);
  if (!match) return undefined;
  const used = Number(match[1]);
  const limit = Number(match[2]);
  if (limit === 0) return undefined;
  return { used, limit };
}

/** A provider response reduced to what rate-limit detection needs. */
export interface RateLimitResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | readonly string[] | undefined>>;
  /** Parsed JSON body, when there is one. */
  readonly body?: unknown;
}

/** What a response says about throttling. */
export interface RateLimitSignal {
  readonly limited: boolean;
  /** Delay before the next call, from `Retry-After`. */
  readonly retryAfterMs?: number;
  readonly callLimit?: CallLimit;
}

/**
 * Reads a response against a provider's {@link RateLimitSpec}: limited statuses, body error codes (NetSuite
 * `SSS_REQUEST_LIMIT_EXCEEDED` on a 400), Shopify GraphQL `THROTTLED`, `Retry-After` and the call-limit header.
 */
export function detectRateLimit(spec: RateLimitSpec, response: RateLimitResponse, now: Date): RateLimitSignal {
  const header = (name: string): string | readonly string[] | undefined => {
    const key = Object.keys(response.headers).find((k) => k.toLowerCase() === name.toLowerCase());
    return key === undefined ? undefined : response.headers[key];
  };
  const codes = errorCodes(response.body);
  const limited =
    spec.statuses.includes(response.status) ||
    (spec.bodyErrorCodes ?? []).some((e) => e.status === response.status && codes.includes(e.code)) ||
    (spec.graphqlThrottleStatus === true && codes.includes('THROTTLED'));
  const retryAfterMs = spec.retryAfterHeader ? parseRetryAfter(header('retry-after'), now) : undefined;
  const callLimit = spec.callLimitHeader ? parseShopifyCallLimit(header(spec.callLimitHeader)) : undefined;
  return { limited, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}), ...(callLimit ? { callLimit } : {}) };
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
