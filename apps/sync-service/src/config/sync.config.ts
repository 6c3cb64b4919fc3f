import { httpEnv, natsEnv, postgresEnv } from '@shelflink/config';
import { canonicalEventsStream } from '@shelflink/contracts';
import { z } from 'zod';
import { heapGrowingPercent } from './heap-growth.config.js';

const ms = (fallback: number) => z.coerce.number().int().min(1).max(86_400_000).default(fallback);
const bucketOverrides = z
  .string()
  .default('{}')
  .transform((text, ctx) => {
    try {
      return z
        .record(z.string(), z.object({ capacity: z.number().positive(), refillPerSecond: z.number().positive() }))
        .parse(JSON.parse(text));
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be JSON {"<provider>": {"capacity": n, "refillPerSecond": n}}' });
      return z.NEVER;
    }
  });

/** sync-service environment; validated at boot, the process refuses to start on anything invalid. */
export const syncConfigSchema = httpEnv(3003)
  .extend(natsEnv.shape)
  .extend(postgresEnv.shape)
  .extend({
    /** Provider config file (API base overrides, e.g. the sandbox); absent: the catalog's real URLs. No secrets used. */
    PROVIDERS_CONFIG: z.string().min(1).optional(),
    SANDBOX_URL: z.string().url().optional(),
    PUBLIC_BASE_URL: z.string().url().optional(),
    /** How often this replica checks for due schedules (every replica does; claims are row-locked). */
    SYNC_SCHEDULER_TICK_MS: ms(5_000),
    /** How often the staleness gauges (stale streams, oldest last success) are read from Postgres. */
    SYNC_STALENESS_METRICS_INTERVAL_MS: ms(15_000),
    /** Interval given to a connection's streams the first time they are synced. */
    SYNC_DEFAULT_INTERVAL_SECONDS: z.coerce.number().int().min(10).default(900),
    /** A stream lease not renewed for this long is free again (its holder died). */
    SYNC_LEASE_TTL_MS: ms(30_000),
    /** JetStream ack wait of run messages; kept alive with `working()` while a run progresses. */
    SYNC_RUN_ACK_WAIT_MS: ms(30_000),
    SYNC_RUN_MAX_DELIVER: z.coerce.number().int().min(1).default(50),
    /** The canonical events stream webhook-ingest owns; consumed with the durable `sync-service`. */
    SYNC_EVENTS_STREAM: z.string().min(1).default(canonicalEventsStream),
    /** Largest page requested (capped by each provider's maximum: Square 1000, Shopify 250). */
    SYNC_PAGE_SIZE: z.coerce.number().int().min(1).max(1000).default(1000),
    /** How long one page's body may take to arrive while it is processed (records upserted as they stream in). */
    SYNC_PAGE_READ_TIMEOUT_MS: ms(120_000),
    /** Pages are garbage once committed: a full GC near the live heap keeps RSS flat (see heap-growth.config.ts). */
    SYNC_HEAP_GROWING_PERCENT: heapGrowingPercent,
    /** Runs one replica executes at once; mostly waiting on providers and budgets, so more than the cores. */
    SYNC_RUN_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(8),
    SYNC_RETRY_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(5),
    SYNC_RETRY_BASE_MS: ms(200),
    SYNC_RETRY_MAX_DELAY_MS: ms(10_000),
    SYNC_RETRY_DEADLINE_MS: ms(60_000),
    SYNC_BREAKER_TIMEOUT_MS: ms(15_000),
    SYNC_BREAKER_ERROR_PERCENT: z.coerce.number().min(1).max(100).default(50),
    SYNC_BREAKER_VOLUME: z.coerce.number().int().min(1).default(5),
    SYNC_BREAKER_RESET_MS: ms(10_000),
    SYNC_BREAKER_WINDOW_MS: ms(30_000),
    /** Per-provider bucket overrides; default from the catalog (Shopify REST 40 / 2 per second). */
    SYNC_RATE_LIMITS: bucketOverrides,
  });

export type SyncConfigValues = z.output<typeof syncConfigSchema>;

/** Injection token and type for the validated config. */
export abstract class SyncConfig {}
export interface SyncConfig extends SyncConfigValues {}

/**
 * The environment the provider config loader resolves `{"env": ...}` references from. sync-service uses none of
 * those secrets, but the loader validates every enabled provider's entry.
 */
export function providerConfigEnv(): Readonly<Record<string, string | undefined>> {
  return process.env;
}
