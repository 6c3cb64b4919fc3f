import type { RateSignals } from '@shelflink/providers';
import {
  adjustmentFor,
  assertValidConfig,
  assertValidCost,
  defaultSleep,
  takeWithWait,
  waitBeforeGrant,
  type BucketConfig,
  type Sleep,
  type TakeOptions,
  type TakeResult,
  type TokenBucket,
} from './token-bucket.port.js';

/** Options of {@link LocalTokenBucket}. */
export interface LocalTokenBucketOptions {
  /** Size and refill of a key nobody configured yet; a new key starts full. */
  defaults: BucketConfig;
  /** Milliseconds clock; inject a fake one in tests. Default `Date.now`. */
  now?: () => number;
  sleep?: Sleep;
}

interface BucketState extends BucketConfig {
  tokens: number;
  updatedAt: number;
  blockedUntil: number | undefined;
}

/**
 * In-memory token bucket with the same behaviour as {@link PostgresTokenBucket}, for one process and for unit
 * tests of callers. Its budget is NOT shared between replicas.
 */
export class LocalTokenBucket implements TokenBucket {
  private readonly buckets = new Map<string, BucketState>();
  private readonly now: () => number;
  private readonly sleep: Sleep;

  constructor(private readonly options: LocalTokenBucketOptions) {
    assertValidConfig(options.defaults);
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? defaultSleep;
  }

  /** Takes `cost` tokens if the key is not blocked and has them; otherwise says how long to wait. */
  async tryTake(key: string, cost = 1): Promise<TakeResult> {
    assertValidCost(cost);
    return this.tryTakeNow(key, cost);
  }

  /** Waits until `cost` tokens are granted, or throws `RateLimitWaitTooLong` / the signal's abort reason. */
  take(key: string, options: TakeOptions): Promise<void> {
    return takeWithWait((k, cost) => this.tryTake(k, cost), key, options, { now: this.now, sleep: this.sleep });
  }

  /** Adapts the bucket to what the provider announced (see {@link TokenBucket}). */
  async observe(key: string, signals: RateSignals): Promise<void> {
    const state = this.refilled(key);
    const adjustment = adjustmentFor(signals);
    state.capacity = adjustment.capacity ?? state.capacity;
    state.refillPerSecond = adjustment.refillPerSecond ?? state.refillPerSecond;
    state.tokens = Math.min(state.tokens, state.capacity, adjustment.tokensCeiling ?? Infinity);
    if (adjustment.retryAfterMs !== undefined) {
      state.blockedUntil = Math.max(state.blockedUntil ?? -Infinity, state.updatedAt + adjustment.retryAfterMs);
    }
  }

  /** Sets the key's capacity and refill rate (tokens are clipped to the new capacity, never raised). */
  async configure(key: string, config: BucketConfig): Promise<void> {
    assertValidConfig(config);
    const state = this.refilled(key);
    state.capacity = config.capacity;
    state.refillPerSecond = config.refillPerSecond;
    state.tokens = Math.min(state.tokens, config.capacity);
  }

  private tryTakeNow(key: string, cost: number): TakeResult {
    const state = this.refilled(key);
    const blockedMs = state.blockedUntil === undefined ? 0 : state.blockedUntil - state.updatedAt;
    if (blockedMs <= 0 && state.tokens >= cost) {
      state.tokens -= cost;
      return { granted: true, waitMs: 0 };
    }
    return { granted: false, waitMs: Math.max(1, waitBeforeGrant(state.tokens, cost, state, blockedMs)) };
  }

  // Brings the key's tokens up to date with the clock (the same arithmetic as the SQL statement).
  private refilled(key: string): BucketState {
    const now = this.now();
    let state = this.buckets.get(key);
    if (!state) {
      const { capacity, refillPerSecond } = this.options.defaults;
      state = { capacity, refillPerSecond, tokens: capacity, updatedAt: now, blockedUntil: undefined };
      this.buckets.set(key, state);
    }
    const elapsedSec = Math.max(0, now - state.updatedAt) / 1000;
    state.tokens = Math.min(state.capacity, state.tokens + state.refillPerSecond * elapsedSec);
    state.updatedAt = Math.max(state.updatedAt, now);
    return state;
  }
}
