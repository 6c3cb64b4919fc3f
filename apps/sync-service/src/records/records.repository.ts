import { Injectable } from '@nestjs/common';
import type { CanonicalRecordView, RecordEntity } from '@shelflink/contracts';
import { sqlRows } from '@shelflink/database';
import { randomUUID } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import { ProductIdentityLinker, productIdentityLock } from '../identity/product-identity-linker.service.js';
import type { CanonicalRecord } from '../pullers/puller.port.js';
import { HEAD_COLUMNS, RECORD_COLUMNS, TABLES, upsertSql, type TableSpec } from './canonical-tables.js';
import { FeedOutboxRepository, type FeedRecord, type RecordHead } from './feed-outbox.repository.js';

/** Who a batch of records belongs to. */
export interface RecordSource {
  tenantId: string;
  connectionId: string;
  provider: string;
}

/** A row the upsert inserted or changed, as committed, with its envelope's id and outbox row in the feed's outbox. */
export interface ChangedRecord extends FeedRecord {
  id: string;
  externalId: string;
  sourceVersion: string;
  deleted: boolean;
  feedId: string;
  outboxId: string;
}

/** Canonical records of schema `sync`: batched version-guarded upserts and tenant-scoped reads. */
@Injectable()
export class RecordsRepository {
  private readonly upsertSql: Readonly<Record<RecordEntity, string>>;

  constructor(
    private readonly dataSource: DataSource,
    private readonly feed: FeedOutboxRepository,
    private readonly identities: ProductIdentityLinker,
  ) {
    this.upsertSql = {
      locations: upsertSql(TABLES.locations, feed),
      products: upsertSql(TABLES.products, feed, productIdentityLock('$1')),
      inventory: upsertSql(TABLES.inventory, feed),
      orders: upsertSql(TABLES.orders, feed),
    };
  }

  /**
   * Upserts a batch inside the caller's transaction and writes the feed envelope of each changed row in it too, so a
   * change is committed with its envelope or not at all; returns the rows that changed.
   */
  async upsertBatch(
    manager: EntityManager,
    entity: RecordEntity,
    source: RecordSource,
    records: readonly CanonicalRecord[],
  ): Promise<ChangedRecord[]> {
    if (records.length === 0) return [];
    // Each record's data is serialized once: into the upsert's rows here, into its feed envelope after the commit.
    const dataJson = new Map<string, string>();
    const newest = newestPerExternalId(records);
    const rows = newest.map((r) => {
      const data = JSON.stringify(r.data);
      dataJson.set(r.externalId, data);
      return upsertRow(r, data);
    });
    const outboxId = randomUUID();
    const upserted = await sqlRows<ChangedRow>(manager, this.upsertSql[entity], [
      source.tenantId,
      source.connectionId,
      source.provider,
      `[${rows.join(',')}]`,
      outboxId,
      entity,
    ]);
    if (entity === 'products') await this.linkProducts(manager, source, newest, upserted);
    return upserted.map((row) => ({
      id: row.id,
      externalId: row.external_id,
      sourceVersion: row.source_version,
      deleted: row.deleted_at !== null,
      head: toHead(row),
      dataJson: dataJson.get(row.external_id) as string,
      feedId: row.feed_id,
      outboxId,
    }));
  }

  // Product identities follow the changed products in the same transaction (a product's sources go with it).
  private async linkProducts(
    manager: EntityManager,
    source: RecordSource,
    records: readonly CanonicalRecord[],
    upserted: readonly ChangedRow[],
  ): Promise<void> {
    if (upserted.length === 0) return;
    const byExternalId = new Map(records.map((record) => [record.externalId, record]));
    const products = upserted.map((row) => ({
      recordId: row.id,
      externalId: row.external_id,
      created: row.inserted,
      deleted: row.deleted_at !== null,
      data: byExternalId.get(row.external_id)?.data ?? {},
    }));
    await this.identities.link(manager, source, products, { locked: upserted[0]?.locked === true });
  }

  /** Links one page of a tenant's product records (by id), connection by connection; returns how many and the last id. */
  async relinkProducts(tenantId: string, limit: number, after?: string): Promise<{ products: number; last?: string }> {
    const page = await this.listForTenant({ tenantId, entity: 'products', includeDeleted: false, limit, after });
    const connections = [...new Set(page.map((record) => record.connectionId))];
    await this.dataSource.transaction(async (manager) => {
      for (const connectionId of connections) {
        const records = page.filter((record) => record.connectionId === connectionId);
        const source = { tenantId, connectionId, provider: records[0]?.provider ?? '' };
        const products = records.map((r) => ({
          recordId: r.id,
          externalId: r.externalId,
          created: false,
          deleted: false,
          data: r.data,
        }));
        await this.identities.link(manager, source, products);
      }
    });
    return { products: page.length, last: page.at(-1)?.id };
  }

  /**
   * Deletes every canonical record of one connection (a provider's erasure request), and its changes the feed has not
   * published yet; returns how many records went.
   */
  async deleteForConnection(tenantId: string, connectionId: string): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      await this.identities.unlinkConnection(manager, tenantId, connectionId);
      let deleted = 0;
      for (const [entity, { table }] of Object.entries(TABLES) as [RecordEntity, TableSpec][]) {
        await this.feed.removeForConnection(manager, table, entity, { tenantId, connectionId });
        const [row] = await sqlRows<{ n: number }>(
          manager,
          `WITH gone AS (DELETE FROM ${table} WHERE tenant_id = $1 AND connection_id = $2 RETURNING 1)
           SELECT count(*)::int AS n FROM gone`,
          [tenantId, connectionId],
        );
        deleted += row?.n ?? 0;
      }
      return deleted;
    });
  }

  /** Records by id, as they are now (the feed's scan rebuilds envelopes from them). */
  async findByIds(entity: RecordEntity, ids: readonly string[]): Promise<FeedRecord[]> {
    if (ids.length === 0) return [];
    const rows = await sqlRows<HeadRow & { data_json: string }>(
      this.dataSource,
      `SELECT ${HEAD_COLUMNS}, "data"::text AS "data_json" FROM ${TABLES[entity].table} WHERE "id" = ANY($1::uuid[])`,
      [ids],
    );
    return rows.map((row) => ({ head: toHead(row), dataJson: row.data_json }));
  }

  /** One page of a tenant's records, ordered by id; `after` is the last id of the previous page. */
  async listForTenant(query: {
    tenantId: string;
    entity: RecordEntity;
    connectionId?: string;
    id?: string;
    externalId?: string;
    includeDeleted: boolean;
    limit: number;
    after?: string;
  }): Promise<CanonicalRecordView[]> {
    const params: unknown[] = [query.tenantId, query.limit];
    const where = ['"tenant_id" = $1'];
    if (query.connectionId) where.push(`"connection_id" = $${params.push(query.connectionId)}`);
    if (query.id) where.push(`"id" = $${params.push(query.id)}::uuid`);
    if (query.externalId) where.push(`"external_id" = $${params.push(query.externalId)}`);
    if (query.after) where.push(`"id" > $${params.push(query.after)}::uuid`);
    if (!query.includeDeleted) where.push('"deleted_at" IS NULL');
    const rows = await sqlRows<RecordRow>(
      this.dataSource,
      `SELECT ${RECORD_COLUMNS}
       FROM ${TABLES[query.entity].table} WHERE ${where.join(' AND ')} ORDER BY "id" LIMIT $2`,
      params,
    );
    return rows.map(toView);
  }
}

interface HeadRow {
  id: string;
  connection_id: string;
  provider: string;
  external_id: string;
  source_version: string;
  source_updated_at: Date | null;
  deleted_at: Date | null;
  synced_at: Date;
}

/** A row the upsert changed: its envelope id, whether it is a new record, and (products) whether it took the lock. */
interface ChangedRow extends HeadRow {
  feed_id: string;
  inserted: boolean;
  locked?: boolean;
}

interface RecordRow extends HeadRow {
  data: Record<string, unknown>;
}

// Fields named one by one: the feed's envelope serializes it, and a spread sends JSON.stringify down a slower path.
function toHead(row: HeadRow): RecordHead {
  return {
    id: row.id,
    connectionId: row.connection_id,
    provider: row.provider,
    externalId: row.external_id,
    sourceVersion: row.source_version,
    sourceUpdatedAt: row.source_updated_at?.toISOString() ?? null,
    deletedAt: row.deleted_at?.toISOString() ?? null,
    syncedAt: row.synced_at.toISOString(),
  };
}

function toView(row: RecordRow): CanonicalRecordView {
  return { ...toHead(row), data: row.data };
}

/** One element of the upsert's JSON array, with `data` already serialized. */
function upsertRow(record: CanonicalRecord, dataJson: string): string {
  const rest = JSON.stringify({
    external_id: record.externalId,
    source_version: record.sourceVersion,
    source_updated_at: record.sourceUpdatedAt,
    deleted: record.deleted,
    ...record.columns,
  });
  return `{"data":${dataJson},${rest.slice(1)}`;
}

// ON CONFLICT cannot touch one row twice in a statement: keep the newest of duplicates within a batch.
function newestPerExternalId(records: readonly CanonicalRecord[]): CanonicalRecord[] {
  const byId = new Map<string, CanonicalRecord>();
  for (const record of records) {
    const seen = byId.get(record.externalId);
    if (!seen || BigInt(record.sourceVersion) >= BigInt(seen.sourceVersion)) byId.set(record.externalId, record);
  }
  return [...byId.values()];
}
