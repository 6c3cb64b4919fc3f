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

/** Response headers as fetch (`Headers`) or Node/undici (plain record) give them. */
export type HeaderBag = Headers | Readonly<Record<string, string | readonly string[] | undefined>>;

/** Longest Retry-After a rate budget honours by default: a typo must not park a sync for the parser's hour. */
export const DEFAULT_MAX_RETRY_AFTER_MS = 15 * 60 * 1000;

/** Shopify GraphQL `extensions.cost.throttleStatus`. */
export interface ThrottleStatus {
  readonly currentlyAvailable: number;
  readonly maximumAvailable: number;
  readonly restoreRate: number;
}

/** What a provider announced about its budget in one response. */
export interface RateSignals {
  /** Retry-After in ms: nobody, in any replica, may send for this key before it passes. */
  retryAfterMs?: number;
  callLimit?: CallLimit;
  throttleStatus?: ThrottleStatus;
}

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

function pick(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
}
