import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { rowsOf } from '../database/query-rows.js';

export interface DueSchedule {
  tenantId: string;
  connectionId: string;
  stream: string;
}

/** Schedules per connection and stream; claims are row-locked so replicas never claim one twice. */
@Injectable()
export class ScheduleRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Creates the schedule on first sync; an existing one keeps its interval and next run. */
  async ensureSchedule(tenantId: string, connectionId: string, stream: string, intervalSeconds: number): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO sync.schedules ("connection_id", "stream", "tenant_id", "interval_seconds", "next_run_at")
       VALUES ($1, $2, $3, $4::integer, now() + make_interval(secs => $4::integer))
       ON CONFLICT ("connection_id", "stream") DO NOTHING`,
      [connectionId, stream, tenantId, intervalSeconds],
    );
  }

  /**
   * Streams whose last success (or creation, if none yet) is older than twice their interval, and the age of the
   * least recently synced one in seconds (0 without schedules).
   */
  async staleness(): Promise<{ stale: number; oldestSuccessAgeSeconds: number }> {
    const result: unknown = await this.dataSource.query(
      `SELECT count(*) FILTER (WHERE coalesce("last_succeeded_at", "created_at")
                                     < now() - make_interval(secs => 2 * "interval_seconds"))::int AS "stale",
              coalesce(extract(epoch FROM now() - min(coalesce("last_succeeded_at", "created_at"))), 0)::float8
                AS "oldestSuccessAgeSeconds"
       FROM sync.schedules`,
    );
    return (
      rowsOf<{ stale: number; oldestSuccessAgeSeconds: number }>(result)[0] ?? { stale: 0, oldestSuccessAgeSeconds: 0 }
    );
  }

  /** Claims up to `limit` due schedules and moves their next run one interval ahead. */
  async claimDue(limit: number): Promise<DueSchedule[]> {
    const result: unknown = await this.dataSource.query(
      `UPDATE sync.schedules s SET "next_run_at" = now() + make_interval(secs => s."interval_seconds")
       FROM (SELECT "connection_id", "stream" FROM sync.schedules WHERE "next_run_at" <= now()
             ORDER BY "next_run_at" LIMIT $1 FOR UPDATE SKIP LOCKED) due
       WHERE s."connection_id" = due."connection_id" AND s."stream" = due."stream"
       RETURNING s."tenant_id", s."connection_id", s."stream"`,
      [limit],
    );
    const list = rowsOf<{ tenant_id: string; connection_id: string; stream: string }>(result);
    return list.map((r) => ({ tenantId: r.tenant_id, connectionId: r.connection_id, stream: r.stream }));
  }
}
