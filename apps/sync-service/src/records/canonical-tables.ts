import type { RecordEntity } from '@shelflink/contracts';
import type { FeedOutboxRepository } from './feed-outbox.repository.js';

/** A canonical table and its entity's typed columns. */
export interface TableSpec {
  table: string;
  columns: readonly { name: string; type: 'text' | 'bigint' }[];
}

/** The canonical table of each entity. */
export const TABLES: Readonly<Record<RecordEntity, TableSpec>> = {
  locations: { table: 'sync.locations', columns: [{ name: 'name', type: 'text' }] },
  products: { table: 'sync.products', columns: [{ name: 'title', type: 'text' }] },
  inventory: {
    table: 'sync.inventory_levels',
    columns: [
      { name: 'item_external_id', type: 'text' },
      { name: 'location_external_id', type: 'text' },
      { name: 'quantity', type: 'text' },
    ],
  },
  orders: {
    table: 'sync.orders',
    columns: [
      { name: 'location_external_id', type: 'text' },
      { name: 'state', type: 'text' },
      { name: 'currency', type: 'text' },
      { name: 'total_minor', type: 'bigint' },
    ],
  },
};

/** A record's columns as read back but `data` (the upsert's RETURNING names the target row's columns). */
export const HEAD_COLUMNS = `"id", "connection_id", "provider", "external_id", "source_version"::text AS "source_version",
  "source_updated_at", "deleted_at", "synced_at"`;
export const RECORD_COLUMNS = `${HEAD_COLUMNS}, "data"`;

// One statement per entity: rows arrive as one JSON array; an update applies only when its source version is
// newer (or equal with different content, for providers without versions), so a late update never wins. Each row it
// changes gets its envelope id and the batch its outbox row in the same statement; `inserted` marks a new record.
// `lockOnInsert`, a lock taken when a row was inserted (new records bring keys to link), answers as "locked".
export function upsertSql(spec: TableSpec, feed: FeedOutboxRepository, lockOnInsert?: string): string {
  const extra = spec.columns.map((c) => `"${c.name}"`);
  const recordset = spec.columns.map((c) => `"${c.name}" ${c.type}`).join(', ');
  return `WITH upserted AS (INSERT INTO ${spec.table} AS t
    ("id", "tenant_id", "connection_id", "provider", "external_id", "source_version", "source_updated_at", "deleted_at",
     "synced_at", "data"${extra.map((c) => `, ${c}`).join('')})
  SELECT gen_random_uuid(), $1, $2, $3, r.external_id, r.source_version, r.source_updated_at,
     CASE WHEN r.deleted THEN coalesce(r.source_updated_at, now()) END, now(), r.data${extra.map((c) => `, r.${c}`).join('')}
  FROM jsonb_to_recordset($4::jsonb) AS r(external_id text, source_version bigint, source_updated_at timestamptz,
     deleted boolean, data jsonb${recordset ? `, ${recordset}` : ''})
  ON CONFLICT ("connection_id", "external_id") DO UPDATE SET
     "source_version" = EXCLUDED."source_version", "source_updated_at" = EXCLUDED."source_updated_at",
     "deleted_at" = EXCLUDED."deleted_at", "synced_at" = EXCLUDED."synced_at", "data" = EXCLUDED."data"${extra
       .map((c) => `, ${c} = EXCLUDED.${c}`)
       .join('')}
  WHERE EXCLUDED."source_version" > t."source_version"
     OR (EXCLUDED."source_version" = t."source_version"
         AND (EXCLUDED."data" IS DISTINCT FROM t."data" OR (EXCLUDED."deleted_at" IS NULL) <> (t."deleted_at" IS NULL)))
  RETURNING ${HEAD_COLUMNS}, (t.xmax = 0) AS "inserted"),
  changed AS (SELECT upserted.*, gen_random_uuid() AS "feed_id" FROM upserted),
  outbox AS (${feed.appendSql('changed', { outboxId: '$5', tenantId: '$1', entity: '$6' })})
  ${
    lockOnInsert === undefined
      ? 'SELECT * FROM changed'
      : `, locked AS (SELECT ${lockOnInsert} FROM changed WHERE "inserted" LIMIT 1)
  SELECT changed.*, (SELECT count(*) FROM locked) > 0 AS "locked" FROM changed`
  }`;
}
