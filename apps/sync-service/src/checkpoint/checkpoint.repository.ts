import { Injectable } from '@nestjs/common';
import { sqlRows } from '@shelflink/database';
import { DataSource } from 'typeorm';

/** A partition's position, as the executor reads and writes it. */
export interface Checkpoint {
  watermark: string | null;
  cursor: string | null;
  chainWatermark: string | null;
}

/** The partition a checkpoint belongs to. */
export interface PartitionKey {
  tenantId: string;
  connectionId: string;
  stream: string;
  partition: string;
}

/** A statement written into another one's WITH: its SQL, parameters numbered from `first`, and their values. */
export interface StatementPart {
  sql(first: number): string;
  params: unknown[];
}

export const EMPTY_CHECKPOINT: Checkpoint = { watermark: null, cursor: null, chainWatermark: null };

/** Per-partition checkpoints; written in the same transaction as the page's records. */
@Injectable()
export class CheckpointRepository {
  constructor(private readonly dataSource: DataSource) {}

  async findForPartition(
    tenantId: string,
    connectionId: string,
    stream: string,
    partition: string,
  ): Promise<Checkpoint> {
    const rows = await sqlRows<{ watermark: string | null; cursor: string | null; chain_watermark: string | null }>(
      this.dataSource,
      `SELECT "watermark", "cursor", "chain_watermark" FROM sync.checkpoints
       WHERE "tenant_id" = $1 AND "connection_id" = $2 AND "stream" = $3 AND "partition" = $4`,
      [tenantId, connectionId, stream, partition],
    );
    const row = rows[0];
    return row
      ? { watermark: row.watermark, cursor: row.cursor, chainWatermark: row.chain_watermark }
      : EMPTY_CHECKPOINT;
  }

  /** Whether the partition's chain ended (no cursor left) at or after `since`, i.e. an earlier attempt finished it. */
  async chainEndedSince(key: PartitionKey, since: Date): Promise<boolean> {
    const rows = await sqlRows<{ found: number }>(
      this.dataSource,
      `SELECT 1 AS found FROM sync.checkpoints
       WHERE "tenant_id" = $1 AND "connection_id" = $2 AND "stream" = $3 AND "partition" = $4
         AND "cursor" IS NULL AND "updated_at" >= $5`,
      [key.tenantId, key.connectionId, key.stream, key.partition, since],
    );
    return rows.length > 0;
  }

  /** The checkpoint's upsert, written by the page's last statement inside its transaction (a CTE part). */
  saveSql(key: PartitionKey, checkpoint: Checkpoint): StatementPart {
    return {
      sql: (first) => {
        const [a, b, c, d, e, f, g] = Array.from({ length: 7 }, (_, i) => `$${first + i}`);
        return `INSERT INTO sync.checkpoints ("connection_id", "stream", "partition", "tenant_id", "watermark", "cursor", "chain_watermark", "updated_at")
       VALUES (${a}, ${b}, ${c}, ${d}, ${e}, ${f}, ${g}, now())
       ON CONFLICT ("connection_id", "stream", "partition") DO UPDATE SET
         "watermark" = EXCLUDED."watermark", "cursor" = EXCLUDED."cursor",
         "chain_watermark" = EXCLUDED."chain_watermark", "updated_at" = EXCLUDED."updated_at"`;
      },
      params: [
        key.connectionId,
        key.stream,
        key.partition,
        key.tenantId,
        checkpoint.watermark,
        checkpoint.cursor,
        checkpoint.chainWatermark,
      ],
    };
  }

  /** A full backfill starts from nothing. */
  async resetStream(tenantId: string, connectionId: string, stream: string): Promise<void> {
    await this.dataSource.query(
      `DELETE FROM sync.checkpoints WHERE "tenant_id" = $1 AND "connection_id" = $2 AND "stream" = $3`,
      [tenantId, connectionId, stream],
    );
  }
}
