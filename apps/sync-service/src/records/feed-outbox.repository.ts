import { Injectable } from '@nestjs/common';
import { recordFeedSubject, type Envelope, type RecordEntity, type RecordFeedPayload } from '@shelflink/contracts';
import { sqlRows } from '@shelflink/database';
import { Clock } from '@shelflink/runtime';
import { randomUUID } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import type { RecordChange, RecordSource } from './record-source.js';

/** One envelope of the feed as stored and as published: `id` is its `Nats-Msg-Id`. */
export interface FeedMessage {
  id: string;
  subject: string;
  body: string;
}

/** The feed's outbox in schema `sync`: written in the records' transaction, emptied as JetStream acknowledges. */
@Injectable()
export class FeedOutboxRepository {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {}

  /** Stores one envelope per changed record inside `manager`'s transaction; returns them for the relay. */
  async append(
    manager: EntityManager,
    entity: RecordEntity,
    source: RecordSource,
    changed: readonly RecordChange[],
  ): Promise<FeedMessage[]> {
    if (changed.length === 0) return [];
    const occurredAt = this.clock.date().toISOString();
    const subject = recordFeedSubject(source.tenantId, entity);
    const messages = changed.map((change): FeedMessage => {
      const envelope: Envelope<RecordFeedPayload> = {
        id: randomUUID(),
        subject,
        occurredAt,
        payload: {
          tenantId: source.tenantId,
          connectionId: source.connectionId,
          provider: source.provider,
          entity,
          recordId: change.id,
          externalId: change.externalId,
          sourceVersion: change.sourceVersion,
          deleted: change.deleted,
          record: change.record,
        },
      };
      return { id: envelope.id, subject, body: JSON.stringify(envelope) };
    });
    await sqlRows(
      manager,
      `INSERT INTO sync.record_feed_outbox ("id", "subject", "body")
       SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[])`,
      [messages.map((m) => m.id), messages.map((m) => m.subject), messages.map((m) => m.body)],
    );
    return messages;
  }

  /** Envelopes stored at least `olderThanMs` ago, oldest first: not published yet, or their publish failed. */
  findUnpublished(olderThanMs: number, limit: number): Promise<FeedMessage[]> {
    return sqlRows<FeedMessage>(
      this.dataSource,
      `SELECT "id", "subject", "body" FROM sync.record_feed_outbox
       WHERE "created_at" <= $1 ORDER BY "seq" LIMIT $2`,
      [new Date(this.clock.now() - olderThanMs), limit],
    );
  }

  /** Forgets envelopes JetStream acknowledged. */
  async remove(ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    await sqlRows(this.dataSource, `DELETE FROM sync.record_feed_outbox WHERE "id" = ANY($1::uuid[])`, [ids]);
  }
}
