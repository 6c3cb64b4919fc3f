import { httpEnv, natsEnv, postgresEnv } from '@shelflink/config';
import { z } from 'zod';

const ms = (min: number, max: number, fallback: number) => z.coerce.number().int().min(min).max(max).default(fallback);
const msList = z
  .string()
  .regex(/^\d+(,\d+)*$/, 'comma-separated milliseconds')
  .default('1000,2000,4000,8000')
  .transform((value) => value.split(',').map(Number));

/** webhook-ingest environment; validated at boot, the process refuses to start on anything invalid. */
export const webhookConfigSchema = httpEnv(3002)
  .extend(natsEnv.shape)
  .extend(postgresEnv.shape)
  .extend({
    /** How long verification secrets from auth-service are reused; a failed check refetches early (rotation). */
    WEBHOOK_SECRET_CACHE_TTL_MS: ms(0, 600_000, 30_000),
    /** Allowed clock difference, both ways, for schemes with a signed timestamp (Standard Webhooks). */
    WEBHOOK_TOLERANCE_SECONDS: z.coerce.number().int().min(1).max(3_600).default(300),
    /** Dedup keys (and raw events) are kept at least this long; providers retry for up to 3 days. */
    WEBHOOK_RETENTION_DAYS: z.coerce.number().int().min(7).max(3_650).default(7),
    WEBHOOK_PRUNE_INTERVAL_MS: ms(1_000, 86_400_000, 3_600_000),
    /** Outbox relay: how often it scans for unpublished rows, and after how long an unprocessed row is republished. */
    WEBHOOK_RELAY_INTERVAL_MS: ms(50, 60_000, 1_000),
    WEBHOOK_REPUBLISH_AFTER_MS: ms(1_000, 3_600_000, 300_000),
    /** Processing consumer: AckWait, MaxDeliver and the nak backoff per attempt. */
    WEBHOOK_ACK_WAIT_MS: ms(1_000, 600_000, 30_000),
    WEBHOOK_MAX_DELIVER: z.coerce.number().int().min(1).max(100).default(5),
    WEBHOOK_BACKOFF_MS: msList,
    WEBHOOK_MAX_ACK_PENDING: z.coerce.number().int().min(1).max(10_000).default(256),
    /** Events one process handles at once; their database writes are committed together. */
    WEBHOOK_PROCESSING_CONCURRENCY: z.coerce.number().int().min(1).max(1_000).default(32),
    /** The same while deliveries are arriving: their 2xx comes first, the backlog is drained once they pause... */
    WEBHOOK_PROCESSING_CONCURRENCY_DURING_INTAKE: z.coerce.number().int().min(1).max(1_000).default(8),
    /** ...unless more events than this wait to be processed: then full width anyway, so the backlog stays bounded. */
    WEBHOOK_PROCESSING_MAX_DEFERRED: z.coerce.number().int().min(0).max(10_000_000).default(20_000),
    /**
     * Deliveries answered at once from which intake counts as saturated: new events then wait (committed, in memory)
     * for their first publish, so intake keeps the cpu; 0 never defers.
     */
    WEBHOOK_INTAKE_SATURATION_IN_FLIGHT: z.coerce.number().int().min(0).max(10_000).default(8),
    /** The longest an event waits for that publish: a saturation that lasts longer shares the cpu with processing. */
    WEBHOOK_RELAY_MAX_DEFER_MS: ms(0, 600_000, 30_000),
    /** How often the backlog gauges (unprocessed, oldest wait, dead) are read from Postgres. */
    WEBHOOK_BACKLOG_METRICS_INTERVAL_MS: ms(100, 600_000, 15_000),
    /** Fault injection for the chaos suite (T7): sleep this long after an event's effect is committed, before the ack. */
    WEBHOOK_FAULT_PAUSE_BEFORE_ACK_MS: ms(0, 60_000, 0),
  });

export type WebhookConfigValues = z.output<typeof webhookConfigSchema>;

/** Injection token and type for the validated config. */
export abstract class WebhookConfig {}
export interface WebhookConfig extends WebhookConfigValues {}
