import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { sqlRows } from '@shelflink/database';
import type { ReceivedEventStatus } from '@shelflink/contracts';
import { TurnBatcher } from '@shelflink/runtime';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';

/** What intake stores for one verified delivery. */
export interface NewReceivedEvent {
  tenantId: string;
  provider: string;
  connectionId: string;
  dedupKey: string;
  providerEventId: string | null;
  eventType: string;
  headers: Record<string, string | string[]>;
  rawBody: Buffer;
}

/** A row as processing and the admin API read it. */
export interface ReceivedEventRow extends NewReceivedEvent {
  id: string;
  status: ReceivedEventStatus;
  attempts: number;
  generation: number;
  lastError: string | null;
  receivedAt: Date;
  publishedAt: Date | null;
  processedAt: Date | null;
}

/** An event the relay must (re)publish: Nats-Msg-Id is `id:generation`. */
export interface PendingPublish {
  id: string;
  generation: number;
}

const T = '"webhook"."received_events"';

function dedupIdentity(key: { provider: string; connectionId: string; dedupKey: string }): string {
  return `${key.provider}\u0000${key.connectionId}\u0000${key.dedupKey}`;
}

const COLUMNS = `id, tenant_id AS "tenantId", provider, connection_id AS "connectionId", dedup_key AS "dedupKey",
  provider_event_id AS "providerEventId", event_type AS "eventType", headers, status, attempts, generation,
  last_error AS "lastError", received_at AS "receivedAt", published_at AS "publishedAt", processed_at AS "processedAt"`;

/** Stored before the sweep began ($2) or last published more than $1 ms ago, on Postgres's clock as the rows are. */
const DUE_CUTOFF = `greatest($2::timestamptz, now() - make_interval(secs => $1::double precision / 1000))`;

/**
 * Group commit: one statement per turn's submissions, one in flight (Postgres's cost is mostly per statement: at 50
 * concurrent deliveries four writers made batches of ~5 and 2.4x the statements); what arrives meanwhile goes next.
 */
const groupCommit = { maxItems: 200, maxInFlight: 1 };

/** Received events: the dedup constraint is the source of truth for "seen before"; all admin reads take the tenant. */
@Injectable()
export class ReceivedEventRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private readonly inserts = new TurnBatcher<NewReceivedEvent, { id: string; duplicate: boolean }>(
    (batch) => this.insertBatch(batch),
    groupCommit,
  );
  private readonly lookups = new TurnBatcher<PendingPublish, ReceivedEventRow | undefined>(
    (batch) => this.findManyToProcess(batch),
    groupCommit,
  );
  private readonly completions = new TurnBatcher<PendingPublish, void>(
    (batch) => this.markProcessedBatch(batch),
    groupCommit,
  );

  /** Inserts unless the dedup key exists; resolves once committed (concurrent calls share one statement). */
  insertIfNew(event: NewReceivedEvent): Promise<{ id: string; duplicate: boolean }> {
    return this.inserts.submit(event);
  }

  /**
   * One multi-row INSERT ... ON CONFLICT DO NOTHING; rows it did not insert are duplicates of the stored ones. The
   * bodies travel as one binary parameter that each row takes its slice of: in a bytea[] every byte went as two hex
   * digits, escaped, and that text was a quarter of intake's cpu.
   */
  private async insertBatch(batch: readonly NewReceivedEvent[]): Promise<{ id: string; duplicate: boolean }[]> {
    const ids = batch.map(() => randomUUID());
    const column = <K extends keyof NewReceivedEvent>(key: K) => batch.map((event) => event[key]);
    const bodyStarts: number[] = [];
    let start = 1; // substring() counts from 1
    for (const event of batch) {
      bodyStarts.push(start);
      start += event.rawBody.length;
    }
    const inserted = await sqlRows<{ id: string }>(
      this.dataSource,
      `INSERT INTO ${T} (id, tenant_id, provider, connection_id, dedup_key, provider_event_id, event_type, headers, raw_body)
       SELECT r.id, r.tenant_id, r.provider, r.connection_id, r.dedup_key, r.provider_event_id, r.event_type, r.headers,
              substring($9::bytea FROM r.body_start FOR r.body_length)
       FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::jsonb[], $10::int[], $11::int[])
         AS r(id, tenant_id, provider, connection_id, dedup_key, provider_event_id, event_type, headers, body_start, body_length)
       ON CONFLICT (provider, connection_id, dedup_key) DO NOTHING RETURNING id`,
      [
        ids,
        column('tenantId'),
        column('provider'),
        column('connectionId'),
        column('dedupKey'),
        column('providerEventId'),
        column('eventType'),
        batch.map((event) => JSON.stringify(event.headers)),
        Buffer.concat(column('rawBody')),
        bodyStarts,
        batch.map((event) => event.rawBody.length),
      ],
    );
    const fresh = new Set(inserted.map((row) => row.id));
    if (fresh.size === batch.length) return ids.map((id) => ({ id, duplicate: false }));
    const existing = await this.existingIds(batch.filter((_event, i) => !fresh.has(ids[i] ?? '')));
    return batch.map((event, i) => {
      const id = ids[i] ?? '';
      if (fresh.has(id)) return { id, duplicate: false };
      // Pruned meanwhile: the retention job only removes processed rows, so this is a duplicate too.
      return { id: existing.get(dedupIdentity(event)) ?? id, duplicate: true };
    });
  }

  private async existingIds(events: readonly NewReceivedEvent[]): Promise<Map<string, string>> {
    const rows = await sqlRows<{ id: string; provider: string; connectionId: string; dedupKey: string }>(
      this.dataSource,
      `SELECT e.id, e.provider, e.connection_id AS "connectionId", e.dedup_key AS "dedupKey" FROM ${T} e
       JOIN unnest($1::text[], $2::text[], $3::text[]) AS k(provider, connection_id, dedup_key)
         ON e.provider = k.provider AND e.connection_id = k.connection_id AND e.dedup_key = k.dedup_key`,
      [events.map((e) => e.provider), events.map((e) => e.connectionId), events.map((e) => e.dedupKey)],
    );
    return new Map(rows.map((row) => [dedupIdentity(row), row.id]));
  }

  /** Records a republish, so the row is not due again for `republishAfterMs`. */
  async markPublished(events: readonly PendingPublish[]): Promise<void> {
    if (events.length === 0) return;
    await this.dataSource.query(
      `UPDATE ${T} AS e SET published_at = now(), status = CASE WHEN e.status = 'received' THEN 'published' ELSE e.status END
       FROM unnest($1::uuid[], $2::int[]) AS p(id, generation)
       WHERE e.id = p.id AND e.generation = p.generation`,
      [events.map((e) => e.id), events.map((e) => e.generation)],
    );
  }

  /**
   * Unprocessed rows due for a (re)publish: stored or last republished more than `republishAfterMs` ago (the broker
   * may have lost them), or stored before `storedBefore` (a restarted relay sweeps what a crash may have left).
   */
  async findToPublish(
    due: { republishAfterMs: number; storedBefore?: Date },
    limit: number,
  ): Promise<PendingPublish[]> {
    // A row is republished after it was received, so only rows received before the cutoff can be due: that bound
    // keeps the index scan off the backlog of fresh unprocessed rows, which it otherwise read in full every tick.
    return sqlRows<PendingPublish>(
      this.dataSource,
      `SELECT id, generation FROM ${T}
       WHERE status IN ('received', 'published') AND received_at < ${DUE_CUTOFF}
         AND coalesce(published_at, received_at) < ${DUE_CUTOFF}
       ORDER BY received_at LIMIT $3`,
      [due.republishAfterMs, due.storedBefore ?? null, limit],
    );
  }

  /**
   * The row to process, unless it is already processed, dead, or replayed since (other generation). A read only: the
   * attempt is counted by the write that ends it (processed or failed), which saves an UPDATE per event.
   */
  findToProcess(id: string, generation: number): Promise<ReceivedEventRow | undefined> {
    return this.lookups.submit({ id, generation });
  }

  /** Marks the event processed; resolves once committed (concurrent calls share one statement). */
  markProcessed(id: string, generation: number): Promise<void> {
    return this.completions.submit({ id, generation });
  }

  private async findManyToProcess(batch: readonly PendingPublish[]): Promise<(ReceivedEventRow | undefined)[]> {
    const rows = await sqlRows<ReceivedEventRow>(
      this.dataSource,
      `SELECT ${COLUMNS}, raw_body AS "rawBody" FROM ${T} JOIN unnest($1::uuid[], $2::int[]) AS k(event_id, event_generation)
       ON id = k.event_id AND generation = k.event_generation WHERE status IN ('received', 'published')`,
      [batch.map((event) => event.id), batch.map((event) => event.generation)],
    );
    const byKey = new Map(rows.map((row) => [`${row.id}:${row.generation}`, row]));
    return batch.map((event) => byKey.get(`${event.id}:${event.generation}`));
  }

  private async markProcessedBatch(batch: readonly PendingPublish[]): Promise<void[]> {
    await this.dataSource.query(
      `UPDATE ${T} SET status = 'processed', processed_at = now(), last_error = NULL, attempts = attempts + 1
       FROM unnest($1::uuid[], $2::int[]) AS k(event_id, event_generation)
       WHERE id = k.event_id AND generation = k.event_generation AND status IN ('received', 'published')`,
      [batch.map((event) => event.id), batch.map((event) => event.generation)],
    );
    return batch.map(() => undefined);
  }

  async recordFailure(id: string, generation: number, error: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE ${T} SET last_error = $3, attempts = attempts + 1 WHERE id = $1 AND generation = $2`,
      [id, generation, error],
    );
  }

  /** Marks the event dead and writes its dead letter in one transaction. */
  async moveToDeadLetter(id: string, generation: number, error: string): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const rows = await sqlRows<{ tenantId: string; attempts: number }>(
        manager,
        `UPDATE ${T} SET status = 'dead', last_error = $3 WHERE id = $1 AND generation = $2
         RETURNING tenant_id AS "tenantId", attempts`,
        [id, generation, error],
      );
      const row = rows[0];
      if (!row) return;
      await manager.query(
        `INSERT INTO "webhook"."dead_letters" (event_id, tenant_id, attempts, last_error) VALUES ($1, $2, $3, $4)
         ON CONFLICT (event_id) DO UPDATE SET attempts = EXCLUDED.attempts, last_error = EXCLUDED.last_error, dead_at = now()`,
        [id, row.tenantId, row.attempts, error],
      );
    });
  }

  /**
   * What waits: unprocessed events (counted up to `cap`, so a huge backlog costs a bounded scan), how long the oldest
   * has waited, and dead events. Each part reads the (status, received_at) index.
   */
  async backlog(cap: number): Promise<{ unprocessed: number; oldestWaitSeconds: number; dead: number }> {
    const oldest = (status: string) => `(SELECT min(received_at) FROM ${T} WHERE status = '${status}')`;
    const rows = await sqlRows<{ unprocessed: number; oldestWaitSeconds: number; dead: number }>(
      this.dataSource,
      `SELECT (SELECT count(*) FROM (SELECT 1 FROM ${T} WHERE status IN ('received', 'published') LIMIT $1) b)::int
                AS unprocessed,
              coalesce(extract(epoch FROM now() - least(${oldest('received')}, ${oldest('published')})), 0)::float8
                AS "oldestWaitSeconds",
              (SELECT count(*) FROM ${T} WHERE status = 'dead')::int AS dead`,
      [cap],
    );
    return rows[0] ?? { unprocessed: 0, oldestWaitSeconds: 0, dead: 0 };
  }

  /** Deletes processed events older than the cutoff, in bounded batches; returns how many went. */
  async pruneProcessedBefore(cutoff: Date, batchSize: number): Promise<number> {
    const deleted = await sqlRows<{ id: string }>(
      this.dataSource,
      `DELETE FROM ${T} WHERE id IN (
         SELECT id FROM ${T} WHERE status = 'processed' AND received_at < $1 ORDER BY received_at LIMIT $2)
       RETURNING id`,
      [cutoff, batchSize],
    );
    return deleted.length;
  }

  /** Erases the bodies and headers of a connection's events (a provider's erasure request); rows stay for dedup. */
  async redactConnection(tenantId: string, connectionId: string): Promise<number> {
    const rows = await sqlRows<{ id: string }>(
      this.dataSource,
      `UPDATE ${T} SET raw_body = ''::bytea, headers = '{}'::jsonb
       WHERE tenant_id = $1 AND connection_id = $2 AND (raw_body <> ''::bytea OR headers <> '{}'::jsonb) RETURNING id`,
      [tenantId, connectionId],
    );
    return rows.length;
  }

  /** Erases the bodies and headers of the given events of a connection; returns how many changed. */
  async redactEvents(tenantId: string, connectionId: string, ids: readonly string[]): Promise<number> {
    if (ids.length === 0) return 0;
    const rows = await sqlRows<{ id: string }>(
      this.dataSource,
      `UPDATE ${T} SET raw_body = ''::bytea, headers = '{}'::jsonb
       WHERE tenant_id = $1 AND connection_id = $2 AND id = ANY($3::uuid[]) RETURNING id`,
      [tenantId, connectionId, ids],
    );
    return rows.length;
  }

  /** A page of a connection's stored bodies of some event types (`orders/%`), by id, for a redaction scan. */
  bodiesOf(
    tenantId: string,
    connectionId: string,
    eventTypePattern: string,
    page: { after: string | null; limit: number },
  ): Promise<{ id: string; rawBody: Buffer }[]> {
    return sqlRows(
      this.dataSource,
      `SELECT id, raw_body AS "rawBody" FROM ${T}
       WHERE tenant_id = $1 AND connection_id = $2 AND event_type LIKE $3 AND raw_body <> ''::bytea
         AND ($4::uuid IS NULL OR id > $4) ORDER BY id LIMIT $5`,
      [tenantId, connectionId, eventTypePattern, page.after, page.limit],
    );
  }

  listForTenant(
    tenantId: string,
    filter: { connectionId?: string; status?: ReceivedEventStatus; before?: Date; limit: number },
  ): Promise<ReceivedEventRow[]> {
    return sqlRows<ReceivedEventRow>(
      this.dataSource,
      `SELECT ${COLUMNS} FROM ${T}
       WHERE tenant_id = $1 AND ($2::text IS NULL OR connection_id = $2) AND ($3::text IS NULL OR status = $3)
         AND ($4::timestamptz IS NULL OR received_at < $4)
       ORDER BY received_at DESC, id LIMIT $5`,
      [tenantId, filter.connectionId ?? null, filter.status ?? null, filter.before ?? null, filter.limit],
    );
  }

  async findForTenant(tenantId: string, id: string): Promise<ReceivedEventRow | undefined> {
    const rows = await sqlRows<ReceivedEventRow>(
      this.dataSource,
      `SELECT ${COLUMNS}, raw_body AS "rawBody" FROM ${T} WHERE tenant_id = $1 AND id = $2`,
      [tenantId, id],
    );
    return rows[0];
  }

  /** Sends events back to processing under a new generation; dead letters of those events are removed. */
  async replay(
    tenantId: string,
    where: { ids?: readonly string[]; connectionId?: string; from?: Date; to?: Date },
  ): Promise<PendingPublish[]> {
    return this.dataSource.transaction(async (manager) => {
      const rows = await sqlRows<PendingPublish>(
        manager,
        `UPDATE ${T} SET status = 'received', generation = generation + 1, attempts = 0, last_error = NULL,
           published_at = NULL, processed_at = NULL
         WHERE tenant_id = $1 AND ($2::uuid[] IS NULL OR id = ANY($2)) AND ($3::text IS NULL OR connection_id = $3)
           AND ($4::timestamptz IS NULL OR received_at >= $4) AND ($5::timestamptz IS NULL OR received_at < $5)
         RETURNING id, generation`,
        [tenantId, where.ids ?? null, where.connectionId ?? null, where.from ?? null, where.to ?? null],
      );
      if (rows.length > 0) {
        await manager.query(
          `DELETE FROM "webhook"."dead_letters" WHERE tenant_id = $1 AND event_id = ANY($2::uuid[])`,
          [tenantId, rows.map((row) => row.id)],
        );
      }
      return rows;
    });
  }
}
