import { Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { NatsClient, publishDurableBody } from '@shelflink/messaging';
import { PeriodicTask } from '@shelflink/runtime';
import { setTimeout as sleep } from 'node:timers/promises';
import { SyncConfig } from '../config/sync.config.js';
import { syncFeedEnvelopesTotal } from '../metrics/sync.metrics.js';
import { FeedOutboxRepository, type FeedMessage } from './feed-outbox.repository.js';
import { FeedStreams } from './feed-streams.service.js';

/** Envelopes one scan takes from the outbox. */
const scanBatch = 1_000;
/** Publishes awaiting their acks at once. */
const publishChunk = 500;

/**
 * Sends the feed's outbox to JetStream (`Nats-Msg-Id` = envelope id) and deletes each envelope once acknowledged.
 * A committed page's envelopes go out right after its commit, in commit order; the periodic scan catches what that
 * missed: a failed publish, or a process killed between commit and publish (its rows stay in the outbox). A row
 * published twice (a scan racing a slow ack, two replicas) is dropped by JetStream inside its duplicate window and
 * carries the same envelope id for consumers to dedupe beyond it.
 */
@Injectable()
export class FeedRelay implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(FeedRelay.name);
  private readonly scan = new PeriodicTask('feed outbox scan', () => this.scanOnce(), this.logger);
  private readonly inFlight = new Set<string>();
  private sending: Promise<void> = Promise.resolve();

  constructor(
    private readonly nats: NatsClient,
    private readonly outbox: FeedOutboxRepository,
    private readonly streams: FeedStreams,
    private readonly config: SyncConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.scan.start(this.config.SYNC_FEED_RELAY_INTERVAL_MS, { immediately: true });
  }

  /** Lets queued envelopes out before the NATS connection closes; what cannot go out is scanned at the next start. */
  async beforeApplicationShutdown(): Promise<void> {
    this.scan.stop();
    await this.sending;
  }

  /** Queues envelopes committed just now; they go out after those queued before them. */
  notify(messages: readonly FeedMessage[]): void {
    if (messages.length === 0) return;
    for (const message of messages) this.inFlight.add(message.id);
    this.enqueue(messages, true);
  }

  private async scanOnce(): Promise<void> {
    const due = await this.outbox.findUnpublished(this.config.SYNC_FEED_REPUBLISH_AFTER_MS, scanBatch);
    const fresh = due.filter((message) => !this.inFlight.has(message.id));
    for (const message of fresh) this.inFlight.add(message.id);
    this.enqueue(fresh, false);
    await this.sending;
  }

  private enqueue(messages: readonly FeedMessage[], committedJustNow: boolean): void {
    this.sending = this.sending
      .then(() => this.send(messages, committedJustNow))
      .catch((error: unknown) => this.logger.warn(`feed publish failed: ${describe(error)}; the scan retries`))
      .finally(() => messages.forEach((message) => this.inFlight.delete(message.id)));
  }

  private async send(messages: readonly FeedMessage[], committedJustNow: boolean): Promise<void> {
    if (committedJustNow) await this.pauseBeforePublish(messages.length);
    for (let at = 0; at < messages.length; at += publishChunk) {
      const chunk = messages.slice(at, at + publishChunk);
      await Promise.all(
        [...new Set(chunk.map((message) => tenantOf(message.subject)))].map((t) => this.streams.ensureTenant(t)),
      );
      const results = await Promise.allSettled(
        chunk.map((message) => publishDurableBody(this.nats.connection, message.subject, message.body, message.id)),
      );
      const published = chunk.filter((_message, i) => results[i]?.status === 'fulfilled');
      await this.outbox.remove(published.map((message) => message.id));
      syncFeedEnvelopesTotal.inc({ result: 'published' }, published.length);
      const failed = chunk.length - published.length;
      if (failed > 0) {
        syncFeedEnvelopesTotal.inc({ result: 'failed' }, failed);
        throw new Error(`${failed} of ${chunk.length} publishes failed`);
      }
    }
  }

  /** The fault tests' kill window between a committed page and its publish; off (0) outside them. */
  private async pauseBeforePublish(count: number): Promise<void> {
    const pauseMs = this.config.SYNC_FAULT_PAUSE_BEFORE_PUBLISH_MS;
    if (pauseMs === 0) return;
    this.logger.warn(`fault hook: ${count} feed envelopes committed; pausing ${pauseMs} ms before publishing`);
    await sleep(pauseMs);
  }
}

/** The tenant token of `records.feed.v1.<tenantId>.<entity>`. */
function tenantOf(subject: string): string {
  return subject.split('.')[3] ?? '';
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
