import CircuitBreaker from 'opossum';
import { classifyFailure } from './failure.classifier.js';
import { CircuitOpenError, ProviderCallError } from './resilience.errors.js';

/** State of one provider account's breaker, as a metrics gauge or health check shows it. */
export type BreakerState = 'closed' | 'open' | 'half-open';

/** Breaker settings, one set for every key (validated by the service's config schema). */
export interface BreakerOptions {
  /** A call still running after this counts as a transient failure and its signal is aborted. */
  timeoutMs: number;
  /** Open when more than this percentage of calls in the rolling window failed transiently. */
  errorThresholdPercentage: number;
  /** Fewest calls in the rolling window before the breaker may open. */
  volumeThreshold: number;
  /** Time open before one probe call is let through (half-open). */
  resetTimeoutMs: number;
  /** Length of the rolling statistics window. */
  rollingCountTimeoutMs: number;
  /** Buckets in the rolling window (statistics granularity). Default 10. */
  rollingCountBuckets?: number;
}

/** Hooks of {@link BreakerRegistry}. */
export interface BreakerHooks {
  /** Called on every transition, e.g. to set a Prometheus gauge per key. Must not throw. */
  onStateChange?: (key: string, state: BreakerState) => void;
  /** Which errors count against the provider. Default: only `transient` ones (never 4xx or 429). */
  countsAsFailure?: (error: unknown) => boolean;
}

type Job = { run: (signal: AbortSignal) => Promise<unknown>; controller: AbortController };

/**
 * One opossum circuit breaker per provider account key (e.g. `square:conn_123`), created on first use.
 * While a key's breaker is open its calls fail fast with {@link CircuitOpenError} (`PROVIDER_UNAVAILABLE`)
 * without reaching the provider; after `resetTimeoutMs` exactly one probe call is let through (opossum's
 * half-open allows a single call; the rest keep failing fast) and its outcome closes or reopens the breaker.
 * Only transient failures count: 4xx and 429 answers prove the provider is up. Keys never affect each other.
 * Caveat (opossum): failures from before the open stay in the rolling window after it closes, so one more
 * transient failure within `rollingCountTimeoutMs` reopens it at once.
 */
export class BreakerRegistry {
  private readonly breakers = new Map<string, CircuitBreaker<[Job], unknown>>();
  private readonly countsAsFailure: (error: unknown) => boolean;

  constructor(
    private readonly options: BreakerOptions,
    private readonly hooks: BreakerHooks = {},
  ) {
    this.countsAsFailure = hooks.countsAsFailure ?? ((error) => classifyFailure(error) === 'transient');
  }

  /**
   * Runs `fn` through the key's breaker. `fn` gets a signal aborted when the breaker's timeout fires.
   * @throws CircuitOpenError while the key's breaker is open; a timeout becomes a transient `ProviderCallError`.
   */
  async fire<T>(key: string, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const controller = new AbortController();
    try {
      return (await this.breakerFor(key).fire({ run: fn, controller })) as T;
    } catch (error) {
      throw this.translate(key, error, controller);
    }
  }

  /** The key's current state; `closed` for a key never used. */
  state(key: string): BreakerState {
    const breaker = this.breakers.get(key);
    return breaker ? stateOf(breaker) : 'closed';
  }

  /** Every known key's state, for health and metrics endpoints. */
  states(): Record<string, BreakerState> {
    const result: Record<string, BreakerState> = {};
    for (const [key, breaker] of this.breakers) result[key] = stateOf(breaker);
    return result;
  }

  /** Stops every breaker's timers (on application shutdown). */
  shutdown(): void {
    for (const breaker of this.breakers.values()) breaker.shutdown();
    this.breakers.clear();
  }

  private breakerFor(key: string): CircuitBreaker<[Job], unknown> {
    let breaker = this.breakers.get(key);
    if (breaker) return breaker;
    breaker = new CircuitBreaker((job: Job) => job.run(job.controller.signal), {
      name: key,
      timeout: this.options.timeoutMs,
      errorThresholdPercentage: this.options.errorThresholdPercentage,
      volumeThreshold: this.options.volumeThreshold,
      resetTimeout: this.options.resetTimeoutMs,
      rollingCountTimeout: this.options.rollingCountTimeoutMs,
      rollingCountBuckets: this.options.rollingCountBuckets ?? 10,
      rollingPercentilesEnabled: false,
      // opossum counts an error only when errorFilter returns false.
      errorFilter: (error: unknown) => !this.countsAsFailure(error),
    });
    const notify = (state: BreakerState) => () => this.hooks.onStateChange?.(key, state);
    breaker.on('open', notify('open'));
    breaker.on('halfOpen', notify('half-open'));
    breaker.on('close', notify('closed'));
    this.breakers.set(key, breaker);
    return breaker;
  }

  private translate(key: string, error: unknown, controller: AbortController): unknown {
    if (!(error instanceof Error) || !CircuitBreaker.isOurError(error)) return error;
    const code = (error as { code?: unknown }).code;
    if (code === 'ETIMEDOUT') {
      controller.abort();
      return new ProviderCallError({
        code: 'ETIMEDOUT',
        transient: true,
        message: `Provider call timed out after ${this.options.timeoutMs} ms`,
      });
    }
    return new CircuitOpenError(key);
  }
}

function stateOf(breaker: CircuitBreaker): BreakerState {
  if (breaker.opened) return 'open';
  return breaker.halfOpen ? 'half-open' : 'closed';
}
