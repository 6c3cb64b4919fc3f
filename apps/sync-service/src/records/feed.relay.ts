import { Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { inboxPrefixFor, type RecordEntity } from '@shelflink/contracts';
import { NatsClient, publishDurableBatch } from '@shelflink/messaging';
import { PeriodicTask } from '@shelflink/runtime';
import { setTimeout as sleep } from 'node:timers/promises';
import { SyncConfig } from '../config/sync.config.js';
import { syncFeedEnvelopesTotal } from '../metrics/sync.metrics.js';
import { feedMessage, FeedOutboxRepository, type FeedMessage, type PendingChange } from './feed-outbox.repository.js';
import { FeedStreams } from './feed-streams.service.js';
import { RecordsRepository, type ChangedRecord, type RecordSource } from './records.repository.js';

/** Envelopes one scan takes from the outbox. */
const scanBatch = 1_000;
/** Publishes awaiting their acks at once. */
const publishChunk = 500;

/**
 * Sends the feed's outbox to JetStream (`Nats-Msg-Id` = envelope id) and deletes each row once acknowledged. A
 * committed page's envelopes are built from the rows its upsert returned and go out right after its commit, in commit
 * order; the periodic scan catches what that missed (a failed publish, a process killed between commit and publish)
 * and rebuilds those envelopes from the records as they are then. A change published twice (a scan racing a slow
 * ack, two replicas) is dropped by JetStream inside its duplicate window and carries the same envelope id for
 * consumers to dedupe beyond it.
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
    private readonly records: RecordsRepository,
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

  /** Queues the envelopes of changes committed just now; they go out after those queued before them. */
  notify(entity: RecordEntity, source: RecordSource, changed: readonly ChangedRecord[]): void {
    if (changed.length === 0) return;
    const occurredAt = new Date().toISOString();
    const messages = changed.map((change) =>
      feedMessage(change.feedId, source.tenantId, entity, change.record, occurredAt),
    );
    for (const message of messages) this.inFlight.add(message.id);
    this.enqueue(messages, true);
  }

  private async scanOnce(): Promise<void> {
    const due = await this.outbox.findUnpublished(this.config.SYNC_FEED_REPUBLISH_AFTER_MS, scanBatch);
    const fresh = due.filter((change) => !this.inFlight.has(change.id));
    for (const change of fresh) this.inFlight.add(change.id);
    try {
      this.enqueue(await this.rebuild(fresh), false);
    } catch (error) {
      for (const change of fresh) this.inFlight.delete(change.id);
      throw error;
    }
    await this.sending;
  }

  /** Envelopes of changes found in the outbox, with their records as they are now (a newer change follows anyway). */
  private async rebuild(changes: readonly PendingChange[]): Promise<FeedMessage[]> {
    const messages: FeedMessage[] = [];
    for (const entity of new Set(changes.map((change) => change.entity))) {
      const ofEntity = changes.filter((change) => change.entity === entity);
      const records = new Map(
        (
          await this.records.findByIds(
            entity,
            ofEntity.map((change) => change.recordId),
          )
        ).map((r) => [r.id, r]),
      );
      for (const change of ofEntity) {
        const record = records.get(change.recordId);
        if (record)
          messages.push(feedMessage(change.id, change.tenantId, entity, record, change.createdAt.toISOString()));
      }
      // A change whose record no longer exists has nothing to say; it would only be scanned again.
      await this.outbox.remove(ofEntity.filter((change) => !records.has(change.recordId)).map((change) => change.id));
    }
    return messages;
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
      const acked = await publishDurableBatch(this.nats.connection, inboxPrefixFor('sync-service'), chunk);
      const published = chunk.filter((_message, i) => acked[i]);
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
