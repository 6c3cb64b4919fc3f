import { Injectable } from '@nestjs/common';
import {
  recordFeedConnectionHeader,
  recordFeedSubject,
  type CanonicalRecordView,
  type Envelope,
  type RecordEntity,
  type RecordFeedPayload,
} from '@shelflink/contracts';
import { sqlRows } from '@shelflink/database';
import { Clock } from '@shelflink/runtime';
import { DataSource, type EntityManager } from 'typeorm';

/** A canonical record as committed, but its `data`. */
export type RecordHead = Omit<CanonicalRecordView, 'data'>;

/** A record as the feed sends it: its data as JSON text, never parsed back from Postgres. */
export interface FeedRecord {
  head: RecordHead;
  dataJson: string;
}

/** One envelope of the feed as published: `id` is its `Nats-Msg-Id`; its headers name the change's connection. */
export interface FeedMessage {
  id: string;
  subject: string;
  body: string;
  headers: Readonly<Record<string, string>>;
}

/** An outbox row: the changes of one upsert batch, until JetStream has acknowledged every one of their envelopes. */
export interface PendingBatch {
  id: string;
  tenantId: string;
  entity: RecordEntity;
  /** The changed records and their envelope ids, pairwise. */
  recordIds: string[];
  envelopeIds: string[];
  createdAt: Date;
}

/** Where {@link FeedOutboxRepository.appendSql} takes the outbox row's id, tenant and entity: the statement's parameters. */
export interface OutboxParams {
  outboxId: string;
  tenantId: string;
  entity: string;
}

/** The envelope of one change: the record as committed, under the id its outbox row keeps. */
export function feedMessage(
  id: string,
  tenantId: string,
  entity: RecordEntity,
  { head, dataJson }: FeedRecord,
  occurredAt: string,
): FeedMessage {
  const subject = recordFeedSubject(tenantId, entity);
  // Fields named one by one: a spread sends JSON.stringify down a slower path per envelope.
  const payload: Omit<RecordFeedPayload, 'record'> & { record: RecordHead } = {
    tenantId,
    connectionId: head.connectionId,
    provider: head.provider,
    entity,
    recordId: head.id,
    externalId: head.externalId,
    sourceVersion: head.sourceVersion,
    deleted: head.deletedAt !== null,
    record: head,
  };
  const envelope: Envelope<typeof payload> = { id, subject, occurredAt, payload };
  // `record.data` goes in as the JSON text it was stored from: parsed back and serialized again, it was most of an
  // envelope's cost. The text ends with the record's, the payload's and the envelope's closing braces.
  const text = JSON.stringify(envelope);
  const headers = { [recordFeedConnectionHeader]: head.connectionId };
  return { id, subject, body: `${text.slice(0, -3)},"data":${dataJson}}}}`, headers };
}

/** The feed's outbox in schema `sync`: written in the records' transaction, emptied as JetStream acknowledges. */
@Injectable()
export class FeedOutboxRepository {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {}

  /**
   * A statement's part that records the changes a preceding CTE returns (its "id" and "feed_id" columns: the record
   * and its envelope's id) as one outbox row, none when it returns nothing. Inside the upsert's own statement the
   * outbox costs no round trip of its own, and its uuid arrays never travel as text.
   */
  appendSql(changed: string, params: OutboxParams): string {
    return `INSERT INTO sync.record_feed_outbox ("id", "tenant_id", "entity", "record_ids", "envelope_ids")
      SELECT ${params.outboxId}::uuid, ${params.tenantId}, ${params.entity}, array_agg("id"), array_agg("feed_id")
      FROM ${changed} HAVING count(*) > 0`;
  }

  /** Batches recorded at least `olderThanMs` ago, oldest first: not all published yet, or a publish failed. */
  async findUnpublished(olderThanMs: number, limit: number): Promise<PendingBatch[]> {
    const rows = await sqlRows<{
      id: string;
      tenant_id: string;
      entity: RecordEntity;
      record_ids: string[];
      envelope_ids: string[];
      created_at: Date;
    }>(
      this.dataSource,
      `SELECT "id", "tenant_id", "entity", "record_ids", "envelope_ids", "created_at" FROM sync.record_feed_outbox
       WHERE "created_at" <= $1 ORDER BY "seq" LIMIT $2`,
      [new Date(this.clock.now() - olderThanMs), limit],
    );
    return rows.map((row) => ({
      id: row.id,
      tenantId: row.tenant_id,
      entity: row.entity,
      recordIds: row.record_ids,
      envelopeIds: row.envelope_ids,
      createdAt: row.created_at,
    }));
  }

  /**
   * Deletes, inside the caller's transaction, the batches of one connection's changes to `table` not yet published (a
   * batch holds one connection's records); run before the records go, which is how the rows are found.
   */
  async removeForConnection(
    manager: EntityManager,
    table: string,
    entity: RecordEntity,
    owner: { tenantId: string; connectionId: string },
  ): Promise<void> {
    await sqlRows(
      manager,
      `DELETE FROM sync.record_feed_outbox o WHERE o."tenant_id" = $1 AND o."entity" = $3 AND EXISTS
         (SELECT 1 FROM ${table} r WHERE r.id = ANY(o."record_ids") AND r.tenant_id = $1 AND r.connection_id = $2)`,
      [owner.tenantId, owner.connectionId, entity],
    );
  }

  /** Forgets batches whose envelopes JetStream acknowledged, all of them. */
  async remove(ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    await sqlRows(this.dataSource, `DELETE FROM sync.record_feed_outbox WHERE "id" = ANY($1::uuid[])`, [ids]);
  }
}
