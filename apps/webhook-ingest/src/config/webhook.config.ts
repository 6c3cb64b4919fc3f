import { httpEnv, natsEnv, natsStreamsEnv, postgresEnv } from '@shelflink/config';
import { z } from 'zod';

const int = (min: number, max: number, fallback: number) => z.coerce.number().int().min(min).max(max).default(fallback);
const ms = int;
const msList = z
  .string()
  .regex(/^\d+(,\d+)*$/, 'comma-separated milliseconds')
  .default('1000,2000,4000,8000')
  .transform((value) => value.split(',').map(Number));

/** webhook-ingest environment; validated at boot, the process refuses to start on anything invalid. */
export const webhookConfigSchema = httpEnv(3002)
  .extend(natsEnv.shape)
  .extend(natsStreamsEnv.shape)
  .extend(postgresEnv.shape)
  .extend({
    WEBHOOK_SECRET_CACHE_TTL_MS: ms(0, 600_000, 30_000).describe(
      'How long verification secrets from auth-service are reused; a failed check refetches early, so a rotation works at once.',
    ),
    WEBHOOK_ROUTE_CACHE_TTL_MS: ms(1_000, 3_600_000, 60_000).describe(
      "How long an app-level route (a provider account's active connections, from auth-service) is reused; auth-service's connection-change events drop it sooner, this bounds a lost one.",
    ),
    WEBHOOK_TOLERANCE_SECONDS: int(1, 3_600, 300).describe(
      'Allowed clock difference, both ways, for schemes with a signed timestamp (Standard Webhooks).',
    ),
    // Providers retry for up to 3 days: dedup keys must outlive their retries.
    WEBHOOK_RETENTION_DAYS: int(7, 3_650, 7).describe(
      'Processed events (and their dedup keys) are kept at least this many days; unprocessed and dead ones stay.',
    ),
    WEBHOOK_PRUNE_INTERVAL_MS: ms(1_000, 86_400_000, 3_600_000).describe(
      'How often processed events past retention are deleted.',
    ),
    WEBHOOK_RELAY_INTERVAL_MS: ms(50, 60_000, 1_000).describe(
      'How often the outbox relay retries failed publishes and scans for unprocessed rows.',
    ),
    WEBHOOK_REPUBLISH_AFTER_MS: ms(1_000, 3_600_000, 300_000).describe(
      'A row still unprocessed this long after it was stored or last republished is published again.',
    ),
    WEBHOOK_ACK_WAIT_MS: ms(1_000, 600_000, 30_000).describe('AckWait of the processing consumer.'),
    WEBHOOK_MAX_DELIVER: int(1, 100, 5).describe('Processing attempts before an event becomes a dead letter.'),
    WEBHOOK_BACKOFF_MS: msList.describe('Nak backoff per attempt, comma-separated milliseconds.'),
    WEBHOOK_MAX_ACK_PENDING: int(1, 10_000, 256).describe(
      'MaxAckPending of the processing consumer: events in flight per consumer.',
    ),
    WEBHOOK_PROCESSING_CONCURRENCY: int(1, 1_000, 32).describe(
      'Events one process handles at once; their status writes are committed together.',
    ),
    WEBHOOK_PROCESSING_CONCURRENCY_DURING_INTAKE: int(1, 1_000, 8).describe(
      'The same while the process is answering deliveries: the 2xx a provider waits for goes first, the backlog drains at full width once they pause.',
    ),
    WEBHOOK_PROCESSING_MAX_DEFERRED: int(0, 10_000_000, 20_000).describe(
      'Past this many waiting events, processing takes full width even during intake, so the backlog stays bounded; 0 turns the narrowing off.',
    ),
    // A publish and its processing cost about as much cpu as answering the delivery, and a provider gives up after seconds.
    WEBHOOK_INTAKE_SATURATION_IN_FLIGHT: int(0, 10_000, 8).describe(
      'Deliveries answered at once from which intake counts as saturated: new events are committed and answered as always, but their first publish (and so their processing) waits until deliveries stop queueing; 0 never waits.',
    ),
    WEBHOOK_RELAY_MAX_DEFER_MS: ms(0, 600_000, 30_000).describe(
      'The longest an event waits for that publish; a saturation that lasts longer shares the cpu with processing again. 0 never waits.',
    ),
    WEBHOOK_BACKLOG_METRICS_INTERVAL_MS: ms(100, 600_000, 15_000).describe(
      'How often the backlog gauges (unprocessed, oldest wait, dead) are read from Postgres.',
    ),
    WEBHOOK_ALERT_DEAD_LETTERS_INTERVAL_MS: ms(100, 600_000, 10_000).describe(
      'How often dead letters are counted per tenant for the `dead_letters` operator alert.',
    ),
    WEBHOOK_FAULT_PAUSE_BEFORE_ACK_MS: ms(0, 60_000, 0).describe(
      "Fault injection for the chaos suite: sleep this long between an event's committed effect and its ack; 0 is off.",
    ),
  });

export type WebhookConfigValues = z.output<typeof webhookConfigSchema>;

/** Injection token and type for the validated config. */
export abstract class WebhookConfig {}
export interface WebhookConfig extends WebhookConfigValues {}
