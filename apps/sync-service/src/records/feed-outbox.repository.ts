import { Injectable } from '@nestjs/common';
import {
  recordFeedSubject,
  type CanonicalRecordView,
  type Envelope,
  type RecordEntity,
  type RecordFeedPayload,
} from '@shelflink/contracts';
import { sqlRows } from '@shelflink/database';
import { Clock } from '@shelflink/runtime';
import { randomUUID } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';

/** One envelope of the feed as published: `id` is its `Nats-Msg-Id`. */
export interface FeedMessage {
  id: string;
  subject: string;
  body: string;
}

/** An outbox row: a change whose envelope JetStream has not acknowledged yet. */
export interface PendingChange {
  id: string;
  tenantId: string;
  entity: RecordEntity;
  recordId: string;
  createdAt: Date;
}

/** The envelope of one change: the record as committed, under the id its outbox row keeps. */
export function feedMessage(
  id: string,
  tenantId: string,
  entity: RecordEntity,
  record: CanonicalRecordView,
  occurredAt: string,
): FeedMessage {
  const subject = recordFeedSubject(tenantId, entity);
  // Fields named one by one: a spread sends JSON.stringify down a slower path per envelope.
  const payload: RecordFeedPayload = {
    tenantId,
    connectionId: record.connectionId,
    provider: record.provider,
    entity,
    recordId: record.id,
    externalId: record.externalId,
    sourceVersion: record.sourceVersion,
    deleted: record.deletedAt !== null,
    record,
  };
  const envelope: Envelope<RecordFeedPayload> = { id, subject, occurredAt, payload };
  return { id, subject, body: JSON.stringify(envelope) };
}

/** The feed's outbox in schema `sync`: written in the records' transaction, emptied as JetStream acknowledges. */
@Injectable()
export class FeedOutboxRepository {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {}

  /** Records one change per record id inside `manager`'s transaction; returns their envelope ids, in order. */
  async append(
    manager: EntityManager,
    tenantId: string,
    entity: RecordEntity,
    recordIds: readonly string[],
  ): Promise<string[]> {
    if (recordIds.length === 0) return [];
    const ids = recordIds.map(() => randomUUID());
    await sqlRows(
      manager,
      `INSERT INTO sync.record_feed_outbox ("id", "tenant_id", "entity", "record_id")
       SELECT unnest($1::uuid[]), $2, $3, unnest($4::uuid[])`,
      [ids, tenantId, entity, recordIds],
    );
    return ids;
  }

  /** Changes recorded at least `olderThanMs` ago, oldest first: not published yet, or their publish failed. */
  async findUnpublished(olderThanMs: number, limit: number): Promise<PendingChange[]> {
    const rows = await sqlRows<{
      id: string;
      tenant_id: string;
      entity: RecordEntity;
      record_id: string;
      created_at: Date;
    }>(
      this.dataSource,
      `SELECT "id", "tenant_id", "entity", "record_id", "created_at" FROM sync.record_feed_outbox
       WHERE "created_at" <= $1 ORDER BY "seq" LIMIT $2`,
      [new Date(this.clock.now() - olderThanMs), limit],
    );
    return rows.map((row) => ({
      id: row.id,
      tenantId: row.tenant_id,
      entity: row.entity,
      recordId: row.record_id,
      createdAt: row.created_at,
    }));
  }

  /** Forgets changes whose envelopes JetStream acknowledged. */
  async remove(ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    await sqlRows(this.dataSource, `DELETE FROM sync.record_feed_outbox WHERE "id" = ANY($1::uuid[])`, [ids]);
  }
}
