import { Injectable, Logger } from '@nestjs/common';
import { subjects, type WebhookReceivedMessage } from '@shelflink/contracts';
import { NatsClient, publishDurable } from '@shelflink/messaging';
import { Clock } from '@shelflink/runtime';
import { WebhookConfig } from '../config/webhook.config.js';
import { IntakeActivity } from '../intake-activity/intake-activity.service.js';
import { ReceivedEventRepository, type PendingPublish } from '../received-event/received-event.repository.js';
import { webhookOutboxDeferred, webhookOutboxTotal } from '../metrics/webhook.metrics.js';

const scanBatch = 500;
/** Publishes in flight at once when a deferred backlog goes out. */
const publishChunk = 500;
/** How often a deferred flush checks whether intake has calmed down. */
const deferCheckMs = 25;
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
 *
 * While intake is saturated, first publishes wait (up to `WEBHOOK_RELAY_MAX_DEFER_MS`): a publish, and the processing
 * it starts, take cpu from the deliveries that providers are waiting on (1.4× the accepted rate without them, on one
 * shared core). The row is committed either way; a crash meanwhile is caught by the start-up sweep like any unpublished
 * row.
 */
@Injectable()
export class OutboxRelay {
  private readonly logger = new Logger(OutboxRelay.name);
  private readonly queued = new Map<string, PendingPublish>();
  private readonly retried = new Map<string, PendingPublish>();
  private readonly inFlight = new Set<string>();
  private flushScheduled = false;
  /** When the oldest event in `queued` was queued. */
  private queuedSince = 0;
  private stopping = false;
  private timer?: NodeJS.Timeout;
  /** The scan under way, which a second caller waits for rather than starting another. */
  private scanning?: Promise<void>;
  /** Set while the start-up sweep is on: rows stored before this relay started. */
  private sweepBefore?: Date;

  constructor(
    private readonly nats: NatsClient,
    private readonly events: ReceivedEventRepository,
    private readonly config: WebhookConfig,
    private readonly intake: IntakeActivity,
    private readonly clock: Clock,
  ) {}

  start(): void {
    this.sweepBefore = this.clock.date();
    this.timer = setInterval(() => void this.scan(), this.config.WEBHOOK_RELAY_INTERVAL_MS);
    void this.scan();
  }

  /** Stops the scans and publishes what is still queued (what cannot go out now is swept at the next start). */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.stopping = true;
    await this.flush();
  }

  /**
   * Queues a committed event for publishing at the end of this turn (publishes of concurrent requests go together), or
   * once intake is no longer saturated.
   */
  notify(event: PendingPublish): void {
    if (this.queued.size === 0) this.queuedSince = this.clock.now();
    this.queued.set(event.id, event);
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => void this.flush());
  }

  /** One tick: failed publishes again, then the rows due for a republish (or swept at start-up). */
  scan(): Promise<void> {
    this.scanning ??= this.scanOnce().finally(() => (this.scanning = undefined));
    return this.scanning;
  }

  private async scanOnce(): Promise<void> {
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
    }
  }

  /**
   * Publishes the queue oldest first, a chunk at a time; between chunks it gives way again if intake has become
   * saturated, so a deferred backlog going out does not stall the deliveries that arrive meanwhile.
   */
  private async flush(): Promise<void> {
    try {
      while (this.queued.size > 0) {
        if (this.deferring()) {
          webhookOutboxDeferred.set(this.queued.size);
          setTimeout(() => void this.flush(), deferCheckMs).unref();
          return;
        }
        const failed = await this.publishAll(takeOldest(this.queued, publishChunk), 'first');
        // The broker refuses: the rest wait for the next tick with the failed ones, rather than pile up timeouts now.
        if (failed > 0) this.retryLater(takeOldest(this.queued, this.queued.size));
      }
    } catch (error) {
      this.logger.warn(`outbox flush failed: ${describe(error)}`);
    }
    webhookOutboxDeferred.set(0);
    this.flushScheduled = false;
  }

  private deferring(): boolean {
    const maxDeferMs = this.config.WEBHOOK_RELAY_MAX_DEFER_MS;
    const waitedMs = this.clock.now() - this.queuedSince;
    // A wall clock stepped back ends the wait (waitedMs < 0) rather than stretching it.
    return !this.stopping && maxDeferMs > 0 && this.intake.saturated && waitedMs >= 0 && waitedMs < maxDeferMs;
  }

  private retryLater(events: readonly PendingPublish[]): void {
    for (const event of events) if (this.retried.size < maxRetried) this.retried.set(event.id, event);
  }

  /**
   * Returns how many publishes failed (kept for the next tick). A republish found by a scan is recorded, so the row is
   * not due again for a while; other publishes are not.
   */
  private async publishAll(batch: readonly PendingPublish[], kind: 'first' | 'retry' | 'republish'): Promise<number> {
    if (batch.length === 0) return 0;
    for (const event of batch) this.inFlight.add(event.id);
    try {
      const results = await Promise.allSettled(batch.map((event) => this.publish(event)));
      const published = batch.filter((_event, i) => results[i]?.status === 'fulfilled');
      const failed = batch.filter((_event, i) => results[i]?.status === 'rejected');
      this.retryLater(failed);
      if (kind === 'republish') await this.events.markPublished(published);
      webhookOutboxTotal.inc({ result: 'published' }, published.length);
      if (failed.length > 0) {
        webhookOutboxTotal.inc({ result: 'failed' }, failed.length);
        this.logger.warn(`outbox: ${failed.length} of ${batch.length} publishes failed; retrying on the next tick`);
      }
      return failed.length;
    } finally {
      for (const event of batch) this.inFlight.delete(event.id);
    }
  }

  private publish(event: PendingPublish): Promise<unknown> {
    const message: WebhookReceivedMessage = { eventId: event.id, generation: event.generation };
    return publishDurable(this.nats.connection, subjects.webhookReceived, message, `${event.id}:${event.generation}`);
  }
}

/** Removes and returns the `count` events queued first (a Map iterates in insertion order). */
function takeOldest(queued: Map<string, PendingPublish>, count: number): PendingPublish[] {
  const taken: PendingPublish[] = [];
  for (const [id, event] of queued) {
    if (taken.length === count) break;
    taken.push(event);
    queued.delete(id);
  }
  return taken;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
