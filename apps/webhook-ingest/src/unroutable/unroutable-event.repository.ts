import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { sqlRows } from '@shelflink/database';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';

/** An authentic app-level delivery no active connection matched. */
export interface NewUnroutableEvent {
  provider: string;
  accountKey: string;
  dedupKey: string;
  providerEventId: string | null;
  eventType: string;
  headers: Record<string, string | string[]>;
  rawBody: Buffer;
}

export interface UnroutableEventRow extends NewUnroutableEvent {
  id: string;
  receivedAt: Date;
  replayedTenantId: string | null;
  replayedConnectionId: string | null;
  replayedEventId: string | null;
}

const T = '"webhook"."unroutable_events"';
const COLUMNS = `id, provider, account_key AS "accountKey", dedup_key AS "dedupKey",
  provider_event_id AS "providerEventId", event_type AS "eventType", headers, received_at AS "receivedAt",
  replayed_tenant_id AS "replayedTenantId", replayed_connection_id AS "replayedConnectionId",
  replayed_event_id AS "replayedEventId"`;

/** Unroutable events: tenantless, so only the operator's subjects read them. Rare, so one statement each. */
@Injectable()
export class UnroutableEventRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Inserts unless (provider, account, delivery id) is stored; resolves once committed. */
  async insertIfNew(event: NewUnroutableEvent): Promise<{ id: string; duplicate: boolean }> {
    const rows = await sqlRows<{ id: string; inserted: boolean }>(
      this.dataSource,
      `WITH ins AS (
         INSERT INTO ${T} (id, provider, account_key, dedup_key, provider_event_id, event_type, headers, raw_body)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (provider, account_key, dedup_key) DO NOTHING RETURNING id)
       SELECT id, true AS inserted FROM ins
       UNION ALL SELECT id, false FROM ${T} WHERE provider = $2 AND account_key = $3 AND dedup_key = $4
         AND NOT EXISTS (SELECT 1 FROM ins)`,
      [
        randomUUID(),
        event.provider,
        event.accountKey,
        event.dedupKey,
        event.providerEventId,
        event.eventType,
        JSON.stringify(event.headers),
        event.rawBody,
      ],
    );
    const row = rows[0];
    if (!row) throw new Error('unroutable insert returned no row');
    return { id: row.id, duplicate: !row.inserted };
  }

  list(filter: { provider?: string; before?: Date; limit: number }): Promise<UnroutableEventRow[]> {
    return sqlRows<UnroutableEventRow>(
      this.dataSource,
      `SELECT ${COLUMNS} FROM ${T} WHERE ($1::text IS NULL OR provider = $1) AND ($2::timestamptz IS NULL OR received_at < $2)
       ORDER BY received_at DESC, id LIMIT $3`,
      [filter.provider ?? null, filter.before ?? null, filter.limit],
    );
  }

  async find(id: string): Promise<UnroutableEventRow | undefined> {
    const rows = await sqlRows<UnroutableEventRow>(
      this.dataSource,
      `SELECT ${COLUMNS}, raw_body AS "rawBody" FROM ${T} WHERE id = $1`,
      [id],
    );
    return rows[0];
  }

  async markReplayed(id: string, to: { tenantId: string; connectionId: string; eventId: string }): Promise<void> {
    await this.dataSource.query(
      `UPDATE ${T} SET replayed_tenant_id = $2, replayed_connection_id = $3, replayed_event_id = $4 WHERE id = $1`,
      [id, to.tenantId, to.connectionId, to.eventId],
    );
  }

  /** Deletes what one provider account sent (Shopify `shop/redact`); returns how many went. */
  async deleteForAccount(provider: string, accountKey: string): Promise<number> {
    const rows = await sqlRows<{ id: string }>(
      this.dataSource,
      `DELETE FROM ${T} WHERE provider = $1 AND account_key = $2 RETURNING id`,
      [provider, accountKey],
    );
    return rows.length;
  }

  /** Deletes events received before the cutoff, in bounded batches; returns how many went. */
  async pruneBefore(cutoff: Date, batchSize: number): Promise<number> {
    const rows = await sqlRows<{ id: string }>(
      this.dataSource,
      `DELETE FROM ${T} WHERE id IN (SELECT id FROM ${T} WHERE received_at < $1 ORDER BY received_at LIMIT $2)
       RETURNING id`,
      [cutoff, batchSize],
    );
    return rows.length;
  }
}
