import { Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { inboxPrefixFor, type RecordEntity } from '@shelflink/contracts';
import { NatsClient, publishDurableBatch } from '@shelflink/messaging';
import { PeriodicTask } from '@shelflink/runtime';
import { setTimeout as sleep } from 'node:timers/promises';
import { SyncConfig } from '../config/sync.config.js';
import { syncFeedEnvelopesTotal } from '../metrics/sync.metrics.js';
import { feedMessage, FeedOutboxRepository, type FeedMessage, type PendingBatch } from './feed-outbox.repository.js';
import { FeedStreams } from './feed-streams.service.js';
import { RecordsRepository, type ChangedRecord, type RecordSource } from './records.repository.js';

/** Outbox rows (up to 250 changes each) one scan takes. */
const scanRows = 20;
/** Envelopes awaiting their acks at once, about (whole outbox rows go together). */
const publishWindow = 1_000;

/** An outbox row's envelopes, in commit order: the row goes once JetStream acknowledged all of them. */
interface OutboxBatch {
  outboxId: string;
  messages: FeedMessage[];
}

/**
 * Sends the feed's outbox to JetStream (`Nats-Msg-Id` = envelope id) and deletes each row once all its envelopes are
 * acknowledged. A committed page's envelopes are built from the rows its upsert returned and go out right after its
 * commit, in commit order; the periodic scan catches what that missed (a failed publish, a process killed between
 * commit and publish) and rebuilds those envelopes from the records as they are then. A change published twice (a
 * scan racing a slow ack, two replicas, a row republished for one failed envelope) is dropped by JetStream inside its
 * duplicate window and carries the same envelope id for consumers to dedupe beyond it.
 */
@Injectable()
export class FeedRelay implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(FeedRelay.name);
  private readonly scan = new PeriodicTask('feed outbox scan', () => this.scanOnce(), this.logger);
  /** Outbox rows queued or being published by this process: the scan leaves them alone. */
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
    const batches = new Map<string, OutboxBatch>();
    for (const change of changed) {
      let batch = batches.get(change.outboxId);
      if (!batch) batches.set(change.outboxId, (batch = { outboxId: change.outboxId, messages: [] }));
      batch.messages.push(feedMessage(change.feedId, source.tenantId, entity, change, occurredAt));
    }
    for (const outboxId of batches.keys()) this.inFlight.add(outboxId);
    this.enqueue([...batches.values()], true);
  }

  /** Resolves once the envelopes queued so far have been published (or failed): none is still on its way then. */
  settled(): Promise<void> {
    return this.sending;
  }

  private async scanOnce(): Promise<void> {
    const due = await this.outbox.findUnpublished(this.config.SYNC_FEED_REPUBLISH_AFTER_MS, scanRows);
    const fresh = due.filter((batch) => !this.inFlight.has(batch.id));
    for (const batch of fresh) this.inFlight.add(batch.id);
    try {
      this.enqueue(await this.rebuild(fresh), false);
    } catch (error) {
      for (const batch of fresh) this.inFlight.delete(batch.id);
      throw error;
    }
    await this.sending;
  }

  /** Envelopes of batches found in the outbox, with their records as they are now (a newer change follows anyway). */
  private async rebuild(pending: readonly PendingBatch[]): Promise<OutboxBatch[]> {
    const rebuilt: OutboxBatch[] = [];
    const empty: string[] = [];
    for (const entity of new Set(pending.map((batch) => batch.entity))) {
      const ofEntity = pending.filter((batch) => batch.entity === entity);
      const found = await this.records.findByIds(
        entity,
        ofEntity.flatMap((batch) => batch.recordIds),
      );
      const records = new Map(found.map((record) => [record.head.id, record]));
      for (const batch of ofEntity) {
        const occurredAt = batch.createdAt.toISOString();
        const messages = batch.recordIds.flatMap((recordId, i) => {
          const record = records.get(recordId);
          // A change whose record no longer exists has nothing to say.
          return record ? [feedMessage(batch.envelopeIds[i] ?? '', batch.tenantId, entity, record, occurredAt)] : [];
        });
        if (messages.length > 0) rebuilt.push({ outboxId: batch.id, messages });
        else empty.push(batch.id);
      }
    }
    // A batch left with nothing to say would only be scanned again.
    await this.outbox.remove(empty);
    for (const outboxId of empty) this.inFlight.delete(outboxId);
    return rebuilt;
  }

  private enqueue(batches: readonly OutboxBatch[], committedJustNow: boolean): void {
    this.sending = this.sending
      .then(() => this.send(batches, committedJustNow))
      .catch((error: unknown) => this.logger.warn(`feed publish failed: ${describe(error)}; the scan retries`))
      .finally(() => batches.forEach((batch) => this.inFlight.delete(batch.outboxId)));
  }

  private async send(batches: readonly OutboxBatch[], committedJustNow: boolean): Promise<void> {
    if (committedJustNow) await this.pauseBeforePublish(batches.reduce((n, b) => n + b.messages.length, 0));
    for (const window of windows(batches)) {
      await Promise.all(
        [...new Set(window.map((batch) => tenantOf(batch.messages[0]?.subject ?? '')))].map((t) =>
          this.streams.ensureTenant(t),
        ),
      );
      const acked = await Promise.all(
        window.map((batch) =>
          publishDurableBatch(this.nats.connection, inboxPrefixFor('sync-service'), batch.messages),
        ),
      );
      await this.outbox.remove(window.filter((_batch, i) => acked[i]?.every(Boolean)).map((batch) => batch.outboxId));
      const published = acked.reduce((n, flags) => n + flags.filter(Boolean).length, 0);
      const failed = acked.reduce((n, flags) => n + flags.length, 0) - published;
      syncFeedEnvelopesTotal.inc({ result: 'published' }, published);
      if (failed > 0) {
        syncFeedEnvelopesTotal.inc({ result: 'failed' }, failed);
        throw new Error(`${failed} of ${failed + published} publishes failed`);
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

/** Whole batches, about {@link publishWindow} envelopes at a time. */
function windows(batches: readonly OutboxBatch[]): OutboxBatch[][] {
  const result: OutboxBatch[][] = [];
  let size = publishWindow;
  for (const batch of batches) {
    if (size >= publishWindow) {
      result.push([]);
      size = 0;
    }
    result.at(-1)?.push(batch);
    size += batch.messages.length;
  }
  return result;
}

/** The tenant token of `records.feed.v1.<tenantId>.<entity>`. */
function tenantOf(subject: string): string {
  return subject.split('.')[3] ?? '';
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
