import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { sqlRows } from '@shelflink/database';
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

/** The shared rate budget (Postgres, every replica), the per-account breakers and the retry policy. */
@Injectable()
export class ProviderGuards implements OnApplicationShutdown {
  readonly limiter: TokenBucket;
  readonly breakers: BreakerRegistry;
  readonly retry: RetryOptions;
  private readonly configured = new Set<string>();

  constructor(config: SyncConfig, dataSource: DataSource) {
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
      { onStateChange: (key, state) => breakerGauge.set({ key }, STATE_VALUE[state]) },
    );
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

  onApplicationShutdown(): void {
    this.breakers.shutdown();
  }
}
