/** Codes of the errors this lib throws itself (provider failures carry their own `ProviderCallError.code`). */
export const ResilienceErrorCode = {
  PROVIDER_UNAVAILABLE: 'PROVIDER_UNAVAILABLE',
  RATE_LIMIT_WAIT_TOO_LONG: 'RATE_LIMIT_WAIT_TOO_LONG',
} as const;
export type ResilienceErrorCode = (typeof ResilienceErrorCode)[keyof typeof ResilienceErrorCode];

/** How a failed provider call should be treated: retry soon, retry after the announced wait, or give up. */
export type FailureKind = 'transient' | 'permanent' | 'rate-limited';

/** What a fetch wrapper knows when it throws a {@link ProviderCallError}. */
export interface ProviderCallErrorInit {
  /** Stable machine code: `HTTP_503`, `ECONNRESET`, `SSS_REQUEST_LIMIT_EXCEEDED`, ... Never a secret. */
  code: string;
  /** True when retrying can help (5xx, timeouts, resets, rate limits). */
  transient: boolean;
  status?: number;
  /** Wait the provider announced (Retry-After), already converted to milliseconds. */
  retryAfterMs?: number;
  /** True when the provider refused for rate or concurrency reasons (429, NetSuite limit faults, GraphQL THROTTLED). */
  rateLimited?: boolean;
  /** True when the failure proves the request was never processed (refused connection, 429): safe to retry a POST. */
  notProcessed?: boolean;
  /** Short description; must not contain tokens, headers or bodies. Defaults to one built from status and code. */
  message?: string;
  cause?: unknown;
}

/**
 * The error provider clients throw from their fetch wrapper so retry, breaker and limiter can classify it.
 * Its message is built from status and code only, so it never carries a secret from headers or bodies.
 */
export class ProviderCallError extends Error {
  readonly code: string;
  readonly transient: boolean;
  readonly status?: number;
  readonly retryAfterMs?: number;
  readonly rateLimited: boolean;
  readonly notProcessed: boolean;

  constructor(init: ProviderCallErrorInit) {
    const where = init.status === undefined ? '' : ` (HTTP ${init.status})`;
    super(init.message ?? `Provider call failed: ${init.code}${where}`, { cause: init.cause });
    this.name = 'ProviderCallError';
    this.code = init.code;
    this.status = init.status;
    this.retryAfterMs = init.retryAfterMs;
    this.rateLimited = init.rateLimited === true || init.status === 429;
    this.transient = init.transient || this.rateLimited;
    this.notProcessed = init.notProcessed === true || this.rateLimited;
  }
}

/** Thrown while a provider account's breaker is open (or its one half-open probe is in flight): fail fast. */
export class CircuitOpenError extends Error {
  readonly code = ResilienceErrorCode.PROVIDER_UNAVAILABLE;

  constructor(readonly key: string) {
    super(`Provider unavailable: circuit open for ${key}`);
    this.name = 'CircuitOpenError';
  }
}

/** Thrown by `take()` when the rate budget would not allow the call within `maxWaitMs`. */
export class RateLimitWaitTooLong extends Error {
  readonly code = ResilienceErrorCode.RATE_LIMIT_WAIT_TOO_LONG;

  constructor(
    readonly key: string,
    /** Milliseconds still needed when the caller gave up (Infinity when the cost exceeds the bucket's capacity). */
    readonly waitMs: number,
    readonly maxWaitMs: number,
  ) {
    super(`Rate limit for ${key} needs ${formatMs(waitMs)} more, over the ${maxWaitMs} ms allowed`);
    this.name = 'RateLimitWaitTooLong';
  }
}

function formatMs(ms: number): string {
  return Number.isFinite(ms) ? `${Math.ceil(ms)} ms` : 'an unbounded wait';
}
