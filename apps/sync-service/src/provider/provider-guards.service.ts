import { Injectable, type BeforeApplicationShutdown, type OnApplicationShutdown } from '@nestjs/common';
import { sqlRows } from '@shelflink/database';
import { AlertPublisher } from '@shelflink/messaging';
import { metricsRegistry } from '@shelflink/observability';
import {
  BreakerRegistry,
  PostgresTokenBucket,
  type BreakerState,
  type RetryOptions,
  type TokenBucket,
} from '@shelflink/resilience';
import { Gauge, Histogram } from 'prom-client';
import { DataSource } from 'typeorm';
import { SyncConfig } from '../config/sync.config.js';
import type { ProviderAccount } from './provider-catalog.service.js';
import { ProviderErrorRate } from './provider-error-rate.js';
import { NO_SLOT, ProviderSlots, type ReleaseSlot } from './provider-slots.js';

const breakerGauge = new Gauge({
  name: 'shelflink_sync_breaker_state',
  help: 'Circuit breaker per provider account: 0 closed, 1 half-open, 2 open',
  labelNames: ['key'] as const,
  registers: [metricsRegistry],
});
const rateLimitWait = new Histogram({
  name: 'shelflink_sync_rate_limit_wait_seconds',
  help: 'Time provider calls waited for a token of the shared rate budget of their account, by provider',
  labelNames: ['provider'] as const,
  buckets: [0.001, 0.01, 0.1, 0.5, 1, 5, 15, 60],
  registers: [metricsRegistry],
});
const STATE_VALUE: Record<BreakerState, number> = { closed: 0, 'half-open': 1, open: 2 };

/** The bucket with every blocking take timed: how long calls wait on the budget shows whether it is too tight. */
function timedTakes(bucket: TokenBucket): TokenBucket {
  return {
    tryTake: (key, cost) => bucket.tryTake(key, cost),
    observe: (key, signals) => bucket.observe(key, signals),
    configure: (key, config) => bucket.configure(key, config),
    take: async (key, options) => {
      const started = performance.now();
      try {
        await bucket.take(key, options);
      } finally {
        // Keys are `provider:account`; the account stays out of the labels (one series per provider).
        rateLimitWait.observe({ provider: key.split(':', 1)[0] ?? key }, (performance.now() - started) / 1000);
      }
    },
  };
}

/**
 * The shared rate budget (Postgres, every replica), the per-account breakers and the retry policy; a breaker that
 * opens or closes, and a provider error rate that crosses its threshold, are operator alerts.
 */
@Injectable()
export class ProviderGuards implements BeforeApplicationShutdown, OnApplicationShutdown {
  readonly limiter: TokenBucket;
  readonly breakers: BreakerRegistry;
  readonly retry: RetryOptions;
  private readonly configured = new Set<string>();
  private readonly errorRate: ProviderErrorRate;
  private readonly slots: ProviderSlots;

  constructor(
    config: SyncConfig,
    dataSource: DataSource,
    private readonly alerts: AlertPublisher,
  ) {
    this.limiter = timedTakes(
      new PostgresTokenBucket({
        query: (sql, params) => sqlRows(dataSource, sql, params),
        table: 'sync.rate_limit_buckets',
        defaults: { capacity: 10, refillPerSecond: 10 },
      }),
    );
    this.breakers = new BreakerRegistry(
      {
        timeoutMs: config.SYNC_BREAKER_TIMEOUT_MS,
        errorThresholdPercentage: config.SYNC_BREAKER_ERROR_PERCENT,
        volumeThreshold: config.SYNC_BREAKER_VOLUME,
        resetTimeoutMs: config.SYNC_BREAKER_RESET_MS,
        rollingCountTimeoutMs: config.SYNC_BREAKER_WINDOW_MS,
      },
      { onStateChange: (key, state) => this.breakerChanged(key, state) },
    );
    this.errorRate = new ProviderErrorRate({
      thresholdPercent: config.SYNC_ALERT_ERROR_RATE_PERCENT,
      windowMs: config.SYNC_ALERT_ERROR_RATE_WINDOW_MS,
      minCalls: config.SYNC_ALERT_ERROR_RATE_MIN_CALLS,
    });
    // A slot outlives a dead holder by a page read's longest time: no live request is ever still using it. A slot kept
    // for the next page starts it only while a whole page read (and a margin) fits before that expiry.
    const readMs = config.SYNC_PAGE_READ_TIMEOUT_MS;
    this.slots = new ProviderSlots(dataSource, readMs + 30_000, { longestHoldMs: readMs + 5_000 });
    this.retry = {
      maxAttempts: config.SYNC_RETRY_MAX_ATTEMPTS,
      baseDelayMs: config.SYNC_RETRY_BASE_MS,
      maxDelayMs: config.SYNC_RETRY_MAX_DELAY_MS,
      deadlineMs: config.SYNC_RETRY_DEADLINE_MS,
    };
  }

  /** Sets the account's bucket size once per process (idempotent across replicas; never raises tokens). */
  async prepare(account: ProviderAccount): Promise<void> {
    if (this.configured.has(account.key)) return;
    await this.limiter.configure(account.key, account.bucket);
    this.configured.add(account.key);
  }

  /** A slot of the account's concurrency budget, held until the returned release; nothing when it has none. */
  slot(account: ProviderAccount, signal?: AbortSignal): Promise<ReleaseSlot> {
    return account.concurrency === null
      ? Promise.resolve(NO_SLOT)
      : this.slots.acquire(account.key, account.concurrency, signal);
  }

  /** Counts one provider response (status 0: a network error) toward the error-rate alert; the call log's observer
   * counts it in /metrics. */
  countResponse(provider: string, status: number): void {
    const crossing = this.errorRate.record(provider, status);
    if (!crossing) return;
    const percent = Math.round((crossing.errors / crossing.calls) * 100);
    void this.alerts.publish({
      kind: 'error_rate',
      state: crossing.state,
      key: provider,
      provider,
      cause: `${provider}: ${crossing.errors} of ${crossing.calls} responses failed (${percent}%) in the last window`,
    });
  }

  /** Slots kept for a next page go back to the shared budget while the pool is still open. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.slots.releaseParked();
  }

  onApplicationShutdown(): void {
    this.breakers.shutdown();
  }

  // Half-open is a probe, not a change an operator acts on: only open and closed are announced.
  private breakerChanged(key: string, state: BreakerState): void {
    breakerGauge.set({ key }, STATE_VALUE[state]);
    if (state === 'half-open') return;
    const provider = key.split(':', 1)[0] ?? key;
    void this.alerts.publish({
      kind: 'breaker_open',
      state: state === 'open' ? 'firing' : 'resolved',
      key,
      provider,
      cause:
        state === 'open'
          ? `the circuit breaker of ${key} opened: too many provider calls failed; calls fail fast until a probe succeeds`
          : `the circuit breaker of ${key} closed: a probe call succeeded`,
    });
  }
}
