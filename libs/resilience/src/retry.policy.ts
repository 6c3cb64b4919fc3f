import { classifyFailure, provesNotProcessed } from './failure.classifier.js';
import type { FailureKind } from './resilience.errors.js';
import { defaultSleep, type Sleep } from './token-bucket.port.js';

/** Options of {@link retryWithBackoff}. */
export interface RetryOptions {
  /** Attempts in total, the first one included (1 = no retry). */
  maxAttempts: number;
  /** Cap of the first retry's delay; doubles per retry. */
  baseDelayMs: number;
  /** Largest backoff cap (a provider's Retry-After may still ask for longer, within the deadline). */
  maxDelayMs: number;
  /** Budget in ms from the first attempt: no retry starts at or after it. Default: unbounded. */
  deadlineMs?: number;
  /**
   * False for requests that are not safe to repeat (a POST that creates). They are retried ONLY when the
   * failure proves the provider did not process them: connection refused / not established, 429 or a
   * NetSuite limit fault. A reset or timeout after sending is ambiguous and is NOT retried. Default true.
   */
  idempotent?: boolean;
  classify?: (error: unknown) => FailureKind;
  now?: () => number;
  sleep?: Sleep;
  /** Uniform [0, 1) source for jitter; inject a seeded one in tests. Default `Math.random`. */
  random?: () => number;
  signal?: AbortSignal;
  onRetry?: (event: RetryEvent) => void;
}

/** Reported before each retry's wait. */
export interface RetryEvent {
  /** The attempt that just failed (1-based). */
  attempt: number;
  delayMs: number;
  kind: FailureKind;
  error: unknown;
}

/**
 * Full-jitter backoff for retry number `retryIndex` (0 for the first retry):
 * `random() * min(maxDelayMs, baseDelayMs * 2^retryIndex)`.
 */
export function backoffDelay(
  retryIndex: number,
  options: Pick<RetryOptions, 'baseDelayMs' | 'maxDelayMs'>,
  random: () => number = Math.random,
): number {
  const cap = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** retryIndex);
  return random() * cap;
}

/**
 * Calls `fn` until it succeeds, retrying transient and rate-limited failures with full-jitter exponential
 * backoff. A `retryAfterMs` carried by the error is waited at least; when the wait would pass the deadline,
 * or attempts are used up, or the failure is permanent (or ambiguous for a non-idempotent call), the last
 * error is rethrown unchanged.
 */
export async function retryWithBackoff<T>(fn: (attempt: number) => Promise<T>, options: RetryOptions): Promise<T> {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? defaultSleep;
  const started = now();
  for (let attempt = 1; ; attempt++) {
    options.signal?.throwIfAborted();
    try {
      return await fn(attempt);
    } catch (error) {
      const kind = (options.classify ?? classifyFailure)(error);
      const delayMs = retryDelay(error, kind, attempt, options, now() - started);
      if (delayMs === undefined) throw error;
      options.onRetry?.({ attempt, delayMs, kind, error });
      await sleep(delayMs, options.signal);
    }
  }
}

// The wait before the next attempt, or undefined when there must be no next attempt.
function retryDelay(
  error: unknown,
  kind: FailureKind,
  attempt: number,
  options: RetryOptions,
  elapsedMs: number,
): number | undefined {
  if (kind === 'permanent' || attempt >= options.maxAttempts) return undefined;
  if (options.idempotent === false && kind !== 'rate-limited' && !provesNotProcessed(error)) return undefined;
  const backoff = backoffDelay(attempt - 1, options, options.random);
  const delayMs = Math.max(backoff, retryAfterOf(error) ?? 0);
  if (options.deadlineMs !== undefined && elapsedMs + delayMs >= options.deadlineMs) return undefined;
  return delayMs;
}

/** The positive `retryAfterMs` an error carries (ProviderCallError or any error with that field). */
export function retryAfterOf(error: unknown): number | undefined {
  const value =
    typeof error === 'object' && error !== null ? (error as { retryAfterMs?: unknown }).retryAfterMs : undefined;
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : undefined;
}
