import { Injectable, Logger } from '@nestjs/common';
import { subjects, type WebhookReceivedMessage } from '@shelflink/contracts';
import { NatsClient, publishDurable } from '@shelflink/messaging';
import { WebhookConfig } from '../config/webhook.config.js';
import { ReceivedEventRepository, type PendingPublish } from '../received-event/received-event.repository.js';
import { webhookOutboxTotal } from '../webhook.metrics.js';

const scanBatch = 500;
/** Failed publishes kept for the next tick; past this, the periodic scan finds them once they are due. */
const maxRetried = 10_000;

/**
 * Outbox relay: publishes stored events to JetStream (Nats-Msg-Id = `id:generation`). A new row goes out right after
 * its commit and nothing more is written for it: processing marks it processed soon after, and an UPDATE per event
 * to say "published" cost Postgres a fifth of its work per event. What that publish could miss is caught instead:
 * - a failed publish is retried on the next tick (kept in memory);
 * - a crash between commit and publish: a starting relay sweeps every unprocessed row stored before it started;
 * - a broker that lost an acknowledged message, or a replica that died and did not come back: every tick republishes
 *   rows still unprocessed `WEBHOOK_REPUBLISH_AFTER_MS` after they were stored or last republished.
 * Republishing a row already in the stream is harmless: JetStream drops the duplicate id, the processor skips done rows.
 */
@Injectable()
export class OutboxRelay {
  private readonly logger = new Logger(OutboxRelay.name);
  private readonly queued = new Map<string, PendingPublish>();
  private readonly retried = new Map<string, PendingPublish>();
  private readonly inFlight = new Set<string>();
  private flushScheduled = false;
  private timer?: NodeJS.Timeout;
  private scanning = false;
  /** Set while the start-up sweep is on: rows stored before this relay started. */
  private sweepBefore?: Date;

  constructor(
    private readonly nats: NatsClient,
    private readonly events: ReceivedEventRepository,
    private readonly config: WebhookConfig,
  ) {}

  start(): void {
    this.sweepBefore = new Date();
    this.timer = setInterval(() => void this.scan(), this.config.WEBHOOK_RELAY_INTERVAL_MS);
    void this.scan();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** Queues a committed event for publishing on the next tick (publishes of concurrent requests go together). */
  notify(event: PendingPublish): void {
    this.queued.set(event.id, event);
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => void this.flush());
  }

  /** One tick: failed publishes again, then the rows due for a republish (or swept at start-up). */
  async scan(): Promise<void> {
    if (this.scanning) return;
    this.scanning = true;
    try {
      const retried = [...this.retried.values()];
      this.retried.clear();
      await this.publishAll(retried, 'retry');
      const sweepBefore = this.sweepBefore;
      const due = await this.events.findToPublish(
        { republishAfterMs: this.config.WEBHOOK_REPUBLISH_AFTER_MS, storedBefore: sweepBefore },
        scanBatch,
      );
      if (sweepBefore && due.length < scanBatch) this.sweepBefore = undefined;
      await this.publishAll(
        due.filter((event) => !this.inFlight.has(event.id)),
        'republish',
      );
    } catch (error) {
      this.logger.warn(`outbox scan failed: ${describe(error)}`);
    } finally {
      this.scanning = false;
    }
  }

  private async flush(): Promise<void> {
    this.flushScheduled = false;
    const batch = [...this.queued.values()];
    this.queued.clear();
    await this.publishAll(batch, 'first').catch((error: unknown) =>
      this.logger.warn(`outbox flush failed: ${describe(error)}`),
    );
  }

  /** A republish found by a scan is recorded, so the row is not due again for a while; other publishes are not. */
  private async publishAll(batch: readonly PendingPublish[], kind: 'first' | 'retry' | 'republish'): Promise<void> {
    if (batch.length === 0) return;
    for (const event of batch) this.inFlight.add(event.id);
    try {
      const results = await Promise.allSettled(batch.map((event) => this.publish(event)));
      const published = batch.filter((_event, i) => results[i]?.status === 'fulfilled');
      const failed = batch.filter((_event, i) => results[i]?.status === 'rejected');
      for (const event of failed) if (this.retried.size < maxRetried) this.retried.set(event.id, event);
      if (kind === 'republish') await this.events.markPublished(published);
      webhookOutboxTotal.inc({ result: 'published' }, published.length);
      if (failed.length > 0) {
        webhookOutboxTotal.inc({ result: 'failed' }, failed.length);
        this.logger.warn(`outbox: ${failed.length} of ${batch.length} publishes failed; retrying on the next tick`);
      }
    } finally {
      for (const event of batch) this.inFlight.delete(event.id);
    }
  }

  private publish(event: PendingPublish): Promise<unknown> {
    const message: WebhookReceivedMessage = { eventId: event.id, generation: event.generation };
    return publishDurable(this.nats.connection, subjects.webhookReceived, message, `${event.id}:${event.generation}`);
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
