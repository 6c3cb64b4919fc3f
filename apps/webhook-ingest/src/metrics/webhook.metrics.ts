import { metricsRegistry } from '@shelflink/observability';
import { Counter, Gauge } from 'prom-client';

/** Deliveries by provider and outcome (`stored`, `duplicate`, a refusal code, `unavailable`). */
export const webhookIntakeTotal = new Counter({
  name: 'shelflink_webhook_intake_total',
  help: 'Webhook deliveries handled by webhook-ingest, by provider and outcome',
  labelNames: ['provider', 'outcome'] as const,
  registers: [metricsRegistry],
});

/** Processing results: `processed`, `retried`, `dead_lettered`. */
export const webhookProcessingTotal = new Counter({
  name: 'shelflink_webhook_processing_total',
  help: 'Stored webhook events processed, retried or dead-lettered',
  labelNames: ['outcome'] as const,
  registers: [metricsRegistry],
});

/** Outbox publishes by result (`published`, `failed`). */
export const webhookOutboxTotal = new Counter({
  name: 'shelflink_webhook_outbox_publish_total',
  help: 'Outbox relay publishes to JetStream by result',
  labelNames: ['result'] as const,
  registers: [metricsRegistry],
});

/** Committed events whose first publish waits while intake is saturated (WEBHOOK_RELAY_MAX_DEFER_MS at most). */
export const webhookOutboxDeferred = new Gauge({
  name: 'shelflink_webhook_outbox_deferred_events',
  help: 'Stored webhook events held back from their first publish while intake is saturated',
  registers: [metricsRegistry],
});

/** Unprocessed events in Postgres (received or published, not yet processed), counted up to a million. */
export const webhookBacklogEvents = new Gauge({
  name: 'shelflink_webhook_backlog_events',
  help: 'Stored webhook events not yet processed (capped at 1,000,000), as of the last check',
  registers: [metricsRegistry],
});

/** How long the oldest unprocessed event has waited: the processing lag to alert on. */
export const webhookBacklogOldestSeconds = new Gauge({
  name: 'shelflink_webhook_backlog_oldest_seconds',
  help: 'Age of the oldest unprocessed webhook event in seconds (0 when none), as of the last check',
  registers: [metricsRegistry],
});

/** Events that exhausted their attempts and wait in dead letters for a requeue. */
export const webhookDeadEvents = new Gauge({
  name: 'shelflink_webhook_dead_events',
  help: 'Webhook events in dead letters (status dead), as of the last check',
  registers: [metricsRegistry],
});

/** Authentic app-level deliveries no active connection matched (kept as unroutable), by provider. */
export const webhookUnroutableTotal = new Counter({
  name: 'shelflink_webhook_unroutable_total',
  help: 'Authentic app-level webhook deliveries that matched no active connection, by provider',
  labelNames: ['provider'] as const,
  registers: [metricsRegistry],
});

/** Per-connection deliveries refused for naming another merchant or shop than the connection's, by provider. */
export const webhookAccountMismatchTotal = new Counter({
  name: 'shelflink_webhook_account_mismatch_total',
  help: "Per-connection webhook deliveries refused because they name another provider account than the connection's",
  labelNames: ['provider'] as const,
  registers: [metricsRegistry],
});
