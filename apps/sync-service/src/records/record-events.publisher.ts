import { Injectable, Logger, type BeforeApplicationShutdown } from '@nestjs/common';
import { recordChangedSubjects, type RecordEntity } from '@shelflink/contracts';
import { NatsClient } from '@shelflink/messaging';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { FeedRelay } from './feed.relay.js';
import type { ChangedRecord, RecordSource } from './records.repository.js';

/** Events published before the event loop gets a turn: a page's 1,000 events would hold it for ~10 ms. */
const EVENTS_PER_SLICE = 200;

/**
 * After a change committed: hands its feed envelopes to the relay (durable), and publishes the deprecated core
 * `records.<entity>.changed.v1`, one event per changed record (at most once; kept for one release, see
 * docs/record-feed.md). Core events go out in order, in slices, so the next page's request is sent while a page's
 * events are still being published.
 */
@Injectable()
export class RecordEventsPublisher implements BeforeApplicationShutdown {
  private readonly logger = new Logger(RecordEventsPublisher.name);
  private queued: Promise<void> = Promise.resolve();

  constructor(
    private readonly nats: NatsClient,
    private readonly feed: FeedRelay,
  ) {}

  publish(entity: RecordEntity, source: RecordSource, changed: readonly ChangedRecord[]): void {
    if (changed.length === 0) return;
    this.feed.notify(entity, source, changed);
    const occurredAt = new Date().toISOString();
    this.queued = this.queued
      .then(() => this.publishInSlices(entity, source, changed, occurredAt))
      .catch((error: unknown) => this.logger.warn(`records.${entity}.changed.v1 not published: ${String(error)}`));
  }

  /** Lets queued events out before the NATS connection closes. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.queued;
  }

  private async publishInSlices(
    entity: RecordEntity,
    source: RecordSource,
    changed: readonly ChangedRecord[],
    occurredAt: string,
  ): Promise<void> {
    const subject = recordChangedSubjects[entity];
    const envelope = changedEnvelope(subject, entity, source, occurredAt);
    for (let at = 0; at < changed.length; at += EVENTS_PER_SLICE) {
      if (at > 0) await nextTurn();
      for (const record of changed.slice(at, at + EVENTS_PER_SLICE)) {
        this.nats.connection.publish(subject, Buffer.from(envelope(record)));
      }
    }
  }
}

/**
 * The JSON of one record's `Envelope<RecordChangedPayload>`, as JSON.stringify writes it: the part shared by a page's
 * events is serialized once, not per event (building and serializing two objects per event was most of its cost).
 */
export function changedEnvelope(
  subject: string,
  entity: RecordEntity,
  source: RecordSource,
  occurredAt: string,
): (record: Pick<ChangedRecord, 'id' | 'externalId' | 'sourceVersion' | 'deleted'>) => string {
  const json = JSON.stringify;
  const shared =
    `,"subject":${json(subject)},"occurredAt":${json(occurredAt)},"payload":{"tenantId":${json(source.tenantId)},` +
    `"connectionId":${json(source.connectionId)},"provider":${json(source.provider)},"entity":${json(entity)},"recordId":`;
  return (r) =>
    `{"id":${json(`${r.id}:${r.sourceVersion}`)}${shared}${json(r.id)},"externalId":${json(r.externalId)},` +
    `"sourceVersion":${json(r.sourceVersion)},"deleted":${r.deleted}}}`;
}
