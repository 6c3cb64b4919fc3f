import type { CallLimit, RateSignals, ThrottleStatus } from './token-bucket.port.js';

/** Response headers as fetch (`Headers`) or Node/undici (plain record) give them. */
export type HeaderBag = Headers | Readonly<Record<string, string | readonly string[] | undefined>>;

/** Longest Retry-After honoured by default: anything longer is treated as this (a typo must not park a sync). */
export const DEFAULT_MAX_RETRY_AFTER_MS = 15 * 60 * 1000;

// IMF-fixdate, RFC 850 and asctime all start with a day name and carry hh:mm:ss; Date.parse alone is too lenient.
const HTTP_DATE = /^[A-Za-z]{3,9},? [A-Za-z0-9 -]+ \d{2}:\d{2}:\d{2}( \d{4}| GMT)$/;

/** Reads one header case-insensitively; the first value when repeated. */
export function headerValue(headers: HeaderBag | undefined, name: string): string | undefined {
  if (!headers) return undefined;
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined;
  const lower = name.toLowerCase();
  for (const [key, value] of Object.entries(headers as Record<string, string | readonly string[] | undefined>)) {
    if (key.toLowerCase() !== lower || value === undefined) continue;
    return typeof value === 'string' ? value : value[0];
  }
  return undefined;
}

/**
 * Parses Retry-After as delta-seconds (`120`, Shopify's `2.0`) or an HTTP-date, into milliseconds from `nowMs`,
 * clamped to [0, maxMs]. Garbage, empty and absent values give `undefined` (ignored, never an exception).
 */
export function parseRetryAfter(
  value: string | undefined | null,
  nowMs: number,
  maxMs = DEFAULT_MAX_RETRY_AFTER_MS,
): number | undefined {
  const text = value?.trim();
  if (!text) return undefined;
  let ms: number;
  if (/^\d+(\.\d+)?$/.test(text)) {
    ms = Number(text) * 1000;
  } else if (HTTP_DATE.test(text)) {
    const date = Date.parse(text);
    if (Number.isNaN(date)) return undefined;
    ms = date - nowMs;
  } else {
    return undefined;
  }
  return Math.min(maxMs, Math.max(0, Math.ceil(ms)));
}

/** Parses Shopify's `X-Shopify-Shop-Api-Call-Limit: 32/40`; `undefined` when absent or malformed. */
export function parseCallLimit(value: string | undefined | null): CallLimit | undefined {
  const match = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(value ?? '');
  if (!match) return undefined;
  const used = Number(match[1]);
  const limit = Number(match[2]);
  return limit > 0 ? { used, limit } : undefined;
}

/** Reads `extensions.cost.throttleStatus` from a parsed Shopify GraphQL response body. */
export function parseThrottleStatus(body: unknown): ThrottleStatus | undefined {
  const status = pick(pick(pick(body, 'extensions'), 'cost'), 'throttleStatus');
  const currentlyAvailable = pick(status, 'currentlyAvailable');
  const maximumAvailable = pick(status, 'maximumAvailable');
  const restoreRate = pick(status, 'restoreRate');
  if (typeof currentlyAvailable !== 'number' || typeof maximumAvailable !== 'number') return undefined;
  if (typeof restoreRate !== 'number') return undefined;
  return { currentlyAvailable, maximumAvailable, restoreRate };
}

/** Everything a response says about the rate budget: Retry-After, Shopify call limit, GraphQL throttle status. */
export function rateSignalsFrom(
  response: { headers?: HeaderBag; body?: unknown },
  nowMs: number,
  maxRetryAfterMs = DEFAULT_MAX_RETRY_AFTER_MS,
): RateSignals {
  const signals: RateSignals = {};
  const retryAfterMs = parseRetryAfter(headerValue(response.headers, 'retry-after'), nowMs, maxRetryAfterMs);
  if (retryAfterMs !== undefined) signals.retryAfterMs = retryAfterMs;
  const callLimit = parseCallLimit(headerValue(response.headers, 'x-shopify-shop-api-call-limit'));
  if (callLimit) signals.callLimit = callLimit;
  const throttleStatus = parseThrottleStatus(response.body);
  if (throttleStatus) signals.throttleStatus = throttleStatus;
  return signals;
}

function pick(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
}
