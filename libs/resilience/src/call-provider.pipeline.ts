import { attemptOutcome, notifyAttempt, refusalOf, type AttemptObserver } from './attempt.observer.js';
import type { BreakerRegistry } from './breaker.registry.js';
import { retryAfterOf, retryWithBackoff, type RetryOptions } from './retry.policy.js';
import type { RateSignals } from '@shelflink/providers';
import type { TokenBucket } from './token-bucket.port.js';

/** What {@link callProvider} needs: the account key and the shared limiter, breakers and retry policy. */
export interface CallProviderOptions {
  /** Provider account key, e.g. `shopify:conn_123`: one rate budget and one breaker per key. */
  key: string;
  limiter: TokenBucket;
  breakers: BreakerRegistry;
  retry: RetryOptions;
  /** False for calls that are not safe to repeat (see `RetryOptions.idempotent`). Default true. */
  idempotent?: boolean;
  /** Tokens per attempt (GraphQL: the requested query cost). Default 1. */
  cost?: number;
  /** Longest wait for a token per attempt; default the retry deadline's remainder, else 60 s. */
  maxWaitMs?: number;
  signal?: AbortSignal;
  /** Told how each attempt ended (status, duration, token wait, breaker state), e.g. for the outbound call log. */
  onAttempt?: AttemptObserver;
}

/** Given to the provider call on each attempt. */
export interface ProviderAttempt {
  /** 1-based attempt number. */
  attempt: number;
  /** Aborted on the breaker's timeout or the caller's signal: pass it to fetch. */
  signal: AbortSignal;
  /** Hand over what the response said about the budget (`detectRateLimit(spec, response, now)`), success or not. */
  report(signals: RateSignals): void;
  /** Hand over the provider's HTTP status, success or not, for `onAttempt` (a thrown error's status is the fallback). */
  answered(status: number): void;
}

const DEFAULT_MAX_WAIT_MS = 60_000;

/**
 * One provider call with everything around it: wait for a token of the key's shared budget, call through
 * the key's breaker, classify a failure and retry with backoff. Rate signals the call reports, and a
 * `retryAfterMs` on its error, are fed back to the limiter so every replica slows down, not only this one.
 * `fn` throws `ProviderCallError` (see `providerErrorFromResponse`) for failed responses.
 */
export async function callProvider<T>(
  options: CallProviderOptions,
  fn: (call: ProviderAttempt) => Promise<T>,
): Promise<T> {
  const now = options.retry.now ?? Date.now;
  const deadlineAt = options.retry.deadlineMs === undefined ? undefined : now() + options.retry.deadlineMs;
  const retry: RetryOptions = {
    ...options.retry,
    idempotent: options.idempotent ?? options.retry.idempotent,
    signal: options.signal ?? options.retry.signal,
  };
  return retryWithBackoff(async (attempt) => {
    const maxWaitMs = tokenWaitBudget(options.maxWaitMs, deadlineAt === undefined ? undefined : deadlineAt - now());
    const rateLimitWaitMs = await takeToken(options, attempt, maxWaitMs, retry.signal);
    return attemptOnce(options, { attempt, rateLimitWaitMs }, retry.signal, fn);
  }, retry);
}

/** Waits for the attempt's tokens and returns how long that took; an attempt the budget refused is reported too. */
async function takeToken(
  options: CallProviderOptions,
  attempt: number,
  maxWaitMs: number,
  signal: AbortSignal | undefined,
): Promise<number> {
  const now = options.retry.now ?? Date.now;
  const started = now();
  try {
    await options.limiter.take(options.key, { cost: options.cost, maxWaitMs, signal });
    return now() - started;
  } catch (error) {
    // An abort is the caller leaving, not a refusal: only a wait past the budget is an attempt of the log.
    if (refusalOf(error)) {
      const breakerState = options.breakers.state(options.key);
      const waited = { durationMs: 0, rateLimitWaitMs: now() - started, breakerState };
      notifyAttempt(options.onAttempt, { key: options.key, attempt, ...attemptOutcome(undefined, error), ...waited });
    }
    throw error;
  }
}

async function attemptOnce<T>(
  options: CallProviderOptions,
  at: { attempt: number; rateLimitWaitMs: number },
  callerSignal: AbortSignal | undefined,
  fn: (call: ProviderAttempt) => Promise<T>,
): Promise<T> {
  const now = options.retry.now ?? Date.now;
  const reported: RateSignals = {};
  let answered: number | undefined;
  const call = (signal: AbortSignal): ProviderAttempt => ({
    attempt: at.attempt,
    report: (signals) => void Object.assign(reported, signals),
    answered: (status) => void (answered = status),
    signal: callerSignal ? AbortSignal.any([signal, callerSignal]) : signal,
  });
  const observed = { key: options.key, ...at, breakerState: options.breakers.state(options.key) };
  const started = now();
  try {
    const value = await options.breakers.fire(options.key, (signal) => fn(call(signal)));
    notifyAttempt(options.onAttempt, {
      ...observed,
      ...attemptOutcome(answered, undefined),
      durationMs: now() - started,
    });
    if (Object.keys(reported).length > 0) await options.limiter.observe(options.key, reported);
    return value;
  } catch (error) {
    notifyAttempt(options.onAttempt, { ...observed, ...attemptOutcome(answered, error), durationMs: now() - started });
    const retryAfterMs = retryAfterOf(error);
    if (retryAfterMs !== undefined) reported.retryAfterMs = Math.max(reported.retryAfterMs ?? 0, retryAfterMs);
    // The provider's error is what the caller must see; a failed observe only loses a hint.
    if (Object.keys(reported).length > 0) await options.limiter.observe(options.key, reported).catch(() => undefined);
    throw error;
  }
}

// The caller's cap, never past the retry deadline; 60 s when neither is given.
function tokenWaitBudget(maxWaitMs: number | undefined, deadlineRemainingMs: number | undefined): number {
  if (deadlineRemainingMs === undefined) return maxWaitMs ?? DEFAULT_MAX_WAIT_MS;
  return Math.min(maxWaitMs ?? Infinity, Math.max(0, deadlineRemainingMs));
}
