import { Injectable, Logger } from '@nestjs/common';
import { subjects, type WebhookReceivedMessage } from '@shelflink/contracts';
import { NatsClient, publishDurable } from '@shelflink/messaging';
import { WebhookConfig } from '../config/webhook.config.js';
import { ReceivedEventRepository, type PendingPublish } from '../received-event/received-event.repository.js';
import { webhookOutboxTotal } from '../webhook.metrics.js';

const scanBatch = 500;

/**
 * Outbox relay: publishes stored events to JetStream (Nats-Msg-Id = `id:generation`) and marks them published.
 * New rows are published right after their commit; a periodic scan republishes whatever a crash or an outage left.
 */
@Injectable()
export class OutboxRelay {
  private readonly logger = new Logger(OutboxRelay.name);
  private readonly queued = new Map<string, PendingPublish>();
  private readonly inFlight = new Set<string>();
  private flushScheduled = false;
  private timer?: NodeJS.Timeout;
  private scanning = false;

  constructor(
    private readonly nats: NatsClient,
    private readonly events: ReceivedEventRepository,
    private readonly config: WebhookConfig,
  ) {}

  start(): void {
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

  /** One scan: rows never published, or published long ago and still unprocessed. */
  async scan(): Promise<void> {
    if (this.scanning) return;
    this.scanning = true;
    try {
      const pending = await this.events.findToPublish(this.config.WEBHOOK_REPUBLISH_AFTER_MS, scanBatch);
      await this.publishAll(pending.filter((event) => !this.inFlight.has(event.id)));
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
    await this.publishAll(batch).catch((error: unknown) => this.logger.warn(`outbox flush failed: ${describe(error)}`));
  }

  private async publishAll(batch: readonly PendingPublish[]): Promise<void> {
    if (batch.length === 0) return;
    for (const event of batch) this.inFlight.add(event.id);
    try {
      const results = await Promise.allSettled(batch.map((event) => this.publish(event)));
      const published = batch.filter((_event, i) => results[i]?.status === 'fulfilled');
      // Unpublished rows stay NULL and the next scan retries them.
      await this.events.markPublished(published);
      const failed = batch.length - published.length;
      webhookOutboxTotal.inc({ result: 'published' }, published.length);
      if (failed > 0) webhookOutboxTotal.inc({ result: 'failed' }, failed);
      if (failed > 0) this.logger.warn(`outbox: ${failed} of ${batch.length} publishes failed; the scan will retry`);
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
