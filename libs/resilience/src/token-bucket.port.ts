import type { RateSignals } from '@shelflink/providers';
import { setTimeout as delay } from 'node:timers/promises';
import { RateLimitWaitTooLong } from './resilience.errors.js';

/** Size and speed of one token bucket. */
export interface BucketConfig {
  /** Most tokens the bucket holds (Shopify REST: 40; GraphQL: `maximumAvailable` points). */
  capacity: number;
  /** Tokens added per second (Shopify REST: 2; GraphQL: `restoreRate`). */
  refillPerSecond: number;
}

/** Outcome of one non-blocking take. */
export interface TakeResult {
  granted: boolean;
  /** 0 when granted; otherwise the least time before a retry can succeed (Infinity if it never can). */
  waitMs: number;
}

/** Options of a blocking take. */
export interface TakeOptions {
  /** Tokens to take; 1 per REST request, the requested query cost for GraphQL. Default 1. */
  cost?: number;
  /** Give up with `RateLimitWaitTooLong` rather than wait longer than this in total. */
  maxWaitMs: number;
  signal?: AbortSignal;
}

/**
 * A token bucket per key (one provider account). `observe` only ever lowers the tokens to what the provider
 * reports, never raises them: requests other replicas have in flight are already taken here but not yet
 * counted by the provider, so raising to its figure would over-grant.
 */
export interface TokenBucket {
  tryTake(key: string, cost?: number): Promise<TakeResult>;
  take(key: string, options: TakeOptions): Promise<void>;
  observe(key: string, signals: RateSignals): Promise<void>;
  configure(key: string, config: BucketConfig): Promise<void>;
}

/** Waits `ms` or rejects when `signal` aborts. */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

/** Real-timer sleep honouring an AbortSignal. */
export const defaultSleep: Sleep = (ms, signal) => delay(ms, undefined, { signal });

// Floor between polls so replicas contending for one key do not spin on sub-millisecond waits.
const MIN_POLL_MS = 1;

/** Time before `cost` tokens can be taken, given the refilled tokens now and any remaining block. */
export function waitBeforeGrant(avail: number, cost: number, config: BucketConfig, blockedMs: number): number {
  let tokenWait = 0;
  if (cost > config.capacity) {
    tokenWait = Infinity;
  } else if (avail < cost) {
    tokenWait = config.refillPerSecond > 0 ? Math.ceil(((cost - avail) / config.refillPerSecond) * 1000) : Infinity;
  }
  return Math.max(tokenWait, Math.ceil(Math.max(0, blockedMs)));
}

/** The blocking take both bucket implementations share: poll `tryTake`, sleeping the announced wait. */
export async function takeWithWait(
  tryTake: (key: string, cost: number) => Promise<TakeResult>,
  key: string,
  options: TakeOptions,
  clock: { now: () => number; sleep: Sleep },
): Promise<void> {
  const cost = options.cost ?? 1;
  const started = clock.now();
  for (;;) {
    options.signal?.throwIfAborted();
    const result = await tryTake(key, cost);
    if (result.granted) return;
    const waited = clock.now() - started;
    if (waited + result.waitMs > options.maxWaitMs) {
      throw new RateLimitWaitTooLong(key, result.waitMs, options.maxWaitMs);
    }
    await clock.sleep(Math.max(result.waitMs, MIN_POLL_MS), options.signal);
  }
}

/** Settings an observation translates to; `undefined` keeps the current value. */
export interface BucketAdjustment {
  capacity?: number;
  refillPerSecond?: number;
  /** Upper bound for the tokens now (the provider's view); tokens are never raised to it. */
  tokensCeiling?: number;
  retryAfterMs?: number;
}

/** Translates provider signals to one adjustment (the lowest ceiling wins when several apply). */
export function adjustmentFor(signals: RateSignals): BucketAdjustment {
  const ceilings: number[] = [];
  const adjustment: BucketAdjustment = {};
  if (signals.retryAfterMs !== undefined) {
    adjustment.retryAfterMs = Math.max(0, signals.retryAfterMs);
    ceilings.push(0);
  }
  if (signals.callLimit && signals.callLimit.limit > 0) {
    adjustment.capacity = signals.callLimit.limit;
    ceilings.push(Math.max(0, signals.callLimit.limit - signals.callLimit.used));
  }
  if (signals.throttleStatus && signals.throttleStatus.maximumAvailable > 0) {
    adjustment.capacity = signals.throttleStatus.maximumAvailable;
    adjustment.refillPerSecond = Math.max(0, signals.throttleStatus.restoreRate);
    ceilings.push(Math.max(0, signals.throttleStatus.currentlyAvailable));
  }
  if (ceilings.length > 0) adjustment.tokensCeiling = Math.min(...ceilings);
  return adjustment;
}

/** Rejects configurations that would make the bucket meaningless (and the SQL CHECKs fail). */
export function assertValidConfig(config: BucketConfig): void {
  if (!(config.capacity > 0) || !Number.isFinite(config.capacity)) {
    throw new RangeError('Bucket capacity must be a positive finite number');
  }
  if (!(config.refillPerSecond >= 0) || !Number.isFinite(config.refillPerSecond)) {
    throw new RangeError('Bucket refillPerSecond must be a non-negative finite number');
  }
}

export function assertValidCost(cost: number): void {
  if (!(cost > 0) || !Number.isFinite(cost)) throw new RangeError('Token cost must be a positive finite number');
}
