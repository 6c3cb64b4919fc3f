import { metricsRegistry } from '@shelflink/observability';
import { Counter } from 'prom-client';

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
