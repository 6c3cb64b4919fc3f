import { callLogEnv, httpEnv, natsEnv, natsStreamsEnv, postgresEnv } from '@shelflink/config';
import { canonicalEventsStream } from '@shelflink/contracts';
import { z } from 'zod';
import { alertTargets } from './alert-targets.config.js';
import { heapGrowingPercent } from './heap-growth.config.js';
import { proxyEnv } from './proxy.config.js';

const int = (min: number, max: number, fallback: number) => z.coerce.number().int().min(min).max(max).default(fallback);
const ms = (fallback: number) => int(1, 86_400_000, fallback);
const concurrencyOverrides = z
  .string()
  .default('{}')
  .transform((text, ctx) => {
    try {
      return z.record(z.string(), z.number().int().positive()).parse(JSON.parse(text));
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be JSON {"<provider>": n}' });
      return z.NEVER;
    }
  });
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
  .extend(natsStreamsEnv.shape)
  .extend(postgresEnv.shape)
  .extend(callLogEnv.shape)
  .extend(proxyEnv.shape)
  .extend({
    PROVIDERS_CONFIG: z
      .string()
      .min(1)
      .optional()
      .describe(
        "Provider configuration file (API base overrides, e.g. the sandbox); unset: the catalog's real URLs. No secret in it is used.",
      ),
    SANDBOX_URL: z.string().url().optional().describe('Fills `{sandbox}` in the provider configuration file.'),
    PUBLIC_BASE_URL: z.string().url().optional().describe('Fills `{gateway}` in the provider configuration file.'),
    SYNC_SCHEDULER_TICK_MS: ms(5_000).describe(
      'How often this replica checks for due schedules (every replica does; claims are row-locked).',
    ),
    SYNC_STALENESS_METRICS_INTERVAL_MS: ms(15_000).describe(
      'How often the staleness gauges (stale streams, oldest last success) are read from Postgres.',
    ),
    SYNC_DEFAULT_INTERVAL_SECONDS: z.coerce
      .number()
      .int()
      .min(10)
      .default(900)
      .describe("Interval given to a stream's schedule when it is first synced."),
    SYNC_LEASE_TTL_MS: ms(30_000).describe('A stream lease not renewed for this long is free again (its holder died).'),
    SYNC_RUN_ACK_WAIT_MS: ms(30_000).describe('JetStream AckWait of run messages; kept alive while a run progresses.'),
    SYNC_RUN_MAX_DELIVER: z.coerce
      .number()
      .int()
      .min(1)
      .default(50)
      .describe('JetStream MaxDeliver of run messages (deliveries of one run before it is given up).'),
    SYNC_EVENTS_STREAM: z
      .string()
      .min(1)
      .default(canonicalEventsStream)
      .describe('The canonical events stream webhook-ingest owns; consumed with the durable `sync-service`.'),
    SYNC_PAGE_SIZE: z.coerce
      .number()
      .int()
      .min(1)
      .max(1000)
      .default(1000)
      .describe("Largest page requested, capped by each provider's maximum (Square 1000, Shopify 250)."),
    SYNC_SUITEQL_MAX_ROWS: z.coerce
      .number()
      .int()
      .min(1)
      .max(100_000)
      .default(100_000)
      .describe(
        'Most rows one NetSuite SuiteQL query may match before the puller cuts it into smaller date (or id) windows; NetSuite returns at most 100,000.',
      ),
    SYNC_PAGE_READ_TIMEOUT_MS: ms(120_000).describe(
      'How long one page body may take to arrive while its records are upserted as it streams in.',
    ),
    // Pages are garbage once committed: a full GC near the live heap keeps RSS flat (see heap-growth.config.ts).
    SYNC_HEAP_GROWING_PERCENT: heapGrowingPercent.describe(
      "V8 heap growth after a full GC, in percent, so RSS stays near the live heap; 0 leaves V8's default.",
    ),
    // Runs mostly wait on providers and budgets, so more than the cores.
    SYNC_RUN_CONCURRENCY: z.coerce
      .number()
      .int()
      .min(1)
      .max(64)
      .default(8)
      .describe('Runs one replica executes at once.'),
    SYNC_RETRY_MAX_ATTEMPTS: z.coerce
      .number()
      .int()
      .min(1)
      .max(20)
      .default(5)
      .describe('Attempts of one provider call (retries with full jitter).'),
    SYNC_RETRY_BASE_MS: ms(200).describe('Base delay of those retries.'),
    SYNC_RETRY_MAX_DELAY_MS: ms(10_000).describe('Longest delay between two attempts.'),
    SYNC_RETRY_DEADLINE_MS: ms(60_000).describe('What one call may spend, retries included.'),
    SYNC_BREAKER_TIMEOUT_MS: ms(15_000).describe(
      'A provider call slower than this counts as a failure of the breaker.',
    ),
    SYNC_BREAKER_ERROR_PERCENT: z.coerce
      .number()
      .min(1)
      .max(100)
      .default(50)
      .describe("Failure percentage that opens a provider account's circuit breaker."),
    SYNC_BREAKER_VOLUME: z.coerce
      .number()
      .int()
      .min(1)
      .default(5)
      .describe('Calls in the window before the breaker may open.'),
    SYNC_BREAKER_RESET_MS: ms(10_000).describe('How long an open breaker waits before a trial call.'),
    SYNC_BREAKER_WINDOW_MS: ms(30_000).describe("The breaker's rolling statistics window."),
    SYNC_FEED_RETENTION_HOURS: int(1, 8_760, 168).describe(
      "How long the record feed's streams keep an envelope (tenant streams and consumers' FEED_<name>).",
    ),
    SYNC_FEED_RELAY_INTERVAL_MS: ms(1_000).describe(
      "How often the feed relay looks for outbox envelopes not yet acknowledged by JetStream (a failed publish, a crash's).",
    ),
    SYNC_FEED_REPUBLISH_AFTER_MS: ms(5_000).describe(
      'An outbox envelope older than this is published again by the scan (its first publish failed or its process died).',
    ),
    SYNC_FAULT_PAUSE_BEFORE_PUBLISH_MS: int(0, 60_000, 0).describe(
      'Fault injection for tests and the chaos suite: sleep this long between a committed page and its feed publish; 0 is off.',
    ),
    SYNC_RATE_LIMITS: bucketOverrides.describe(
      'JSON `{"<provider>": {"capacity": n, "refillPerSecond": n}}` overriding the catalog\'s rate budget (Shopify REST: 40, 2 per second).',
    ),
    SYNC_CONCURRENCY_LIMITS: concurrencyOverrides.describe(
      'JSON `{"<provider>": n}`: requests one provider account may have in flight across replicas, overriding the catalog (NetSuite: 5 shared tier, 15 Tier 1, +10 per SuiteCloud Plus licence).',
    ),
    SYNC_ALERT_RETENTION_HOURS: int(1, 8_760, 168).describe(
      'How long the OPS_ALERTS stream keeps an `ops.alert.v1` observation (the alert states in `sync.alerts` stay).',
    ),
    SYNC_ALERT_RESOLVE_HOLD_MS: ms(60_000).describe(
      'An alert is announced resolved only once nothing fired it again for this long (no flapping).',
    ),
    SYNC_ALERT_TICK_MS: ms(1_000).describe('How often held resolutions and due alert deliveries are looked at.'),
    SYNC_ALERT_TARGETS: alertTargets.describe(
      'JSON array of alert targets, `webhook` (https; a `whsec_` secret) or `jira` (a tenant connection): see docs/alerts.md.',
    ),
    SYNC_ALERT_DELIVERY_TIMEOUT_MS: ms(10_000).describe('How long one alert delivery attempt may take.'),
    SYNC_ALERT_DELIVERY_MAX_ATTEMPTS: int(1, 50, 12).describe('Attempts of one alert delivery before it is given up.'),
    SYNC_ALERT_DELIVERY_BASE_MS: ms(1_000).describe(
      'First retry delay of a failed delivery; doubles per attempt, with full jitter.',
    ),
    SYNC_ALERT_DELIVERY_MAX_DELAY_MS: ms(600_000).describe('Longest delay between two delivery attempts.'),
    SYNC_ALERT_JIRA_SETTLE_MS: ms(60_000).describe(
      "Least wait before retrying a Jira issue create that may have succeeded: Jira's search, which finds it, lags writes.",
    ),
    SYNC_ALERT_ERROR_RATE_PERCENT: z.coerce
      .number()
      .min(1)
      .max(100)
      .default(50)
      .describe("Share of a provider's responses (network errors and 5xx) that fires an `error_rate` alert."),
    SYNC_ALERT_ERROR_RATE_WINDOW_MS: ms(60_000).describe('The window that error rate is measured over.'),
    SYNC_ALERT_ERROR_RATE_MIN_CALLS: int(1, 1_000_000, 20).describe(
      'Fewest responses in the window before an error rate can fire.',
    ),
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
