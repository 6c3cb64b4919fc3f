import { metricsRegistry } from '@shelflink/observability';
import { Counter, Gauge, Histogram } from 'prom-client';

/** Runs that ended, by provider, stream and outcome (`succeeded`, `failed`): alert on failures. */
const syncRunsTotal = new Counter({
  name: 'shelflink_sync_runs_total',
  help: 'Sync runs ended by this process, by provider, stream and outcome',
  labelNames: ['provider', 'stream', 'outcome'] as const,
  registers: [metricsRegistry],
});

/** How long a run took in this process (a run resumed after a crash counts from its resumption). */
const syncRunDuration = new Histogram({
  name: 'shelflink_sync_run_duration_seconds',
  help: 'Duration of sync runs in this process, by provider, stream and outcome',
  labelNames: ['provider', 'stream', 'outcome'] as const,
  buckets: [1, 5, 15, 60, 300, 900, 3600, 14_400],
  registers: [metricsRegistry],
});

/** Counts a run that ended and observes its duration since `startedAt` (a `performance.now()`). */
export function observeRunEnd(
  labels: { provider: string; stream: string; outcome: 'succeeded' | 'failed' },
  startedAt: number,
): void {
  syncRunsTotal.inc(labels);
  syncRunDuration.observe(labels, (performance.now() - startedAt) / 1000);
}

/** Records committed from provider pages, by provider, entity and result (`changed`, `unchanged`). */
export const syncRecordsTotal = new Counter({
  name: 'shelflink_sync_records_total',
  help: 'Records read from provider pages and committed, by provider, entity and whether they changed',
  labelNames: ['provider', 'entity', 'result'] as const,
  registers: [metricsRegistry],
});

/** Scheduled streams whose last success is older than twice their interval: data an operator should not trust. */
export const syncStaleStreams = new Gauge({
  name: 'shelflink_sync_stale_streams',
  help: 'Scheduled streams not synced successfully within twice their interval, as of the last check',
  registers: [metricsRegistry],
});

/** Seconds since the least recently synced stream last succeeded (since its schedule was created, if never). */
export const syncOldestSuccessAge = new Gauge({
  name: 'shelflink_sync_oldest_success_age_seconds',
  help: 'Age of the oldest last success among scheduled streams, in seconds, as of the last check',
  registers: [metricsRegistry],
});

/** Feed envelopes sent from the outbox, by result (`published`, `failed`): failures are retried by the scan. */
export const syncFeedEnvelopesTotal = new Counter({
  name: 'shelflink_sync_feed_envelopes_total',
  help: 'Record feed envelopes this process published to JetStream, by result',
  labelNames: ['result'] as const,
  registers: [metricsRegistry],
});
