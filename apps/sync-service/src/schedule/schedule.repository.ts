import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { sqlRows } from '@shelflink/database';

export interface DueSchedule {
  tenantId: string;
  connectionId: string;
  stream: string;
}

/** A schedule as the admin API shows it. */
export interface ScheduleRow {
  connectionId: string;
  stream: string;
  intervalSeconds: number;
  paused: boolean;
  nextRunAt: Date;
  lastSucceededAt: Date | null;
}

const SCHEDULE_COLUMNS = `"connection_id" AS "connectionId", "stream", "interval_seconds" AS "intervalSeconds", "paused",
  "next_run_at" AS "nextRunAt", "last_succeeded_at" AS "lastSucceededAt"`;

/** A stream not synced successfully for over twice its interval. */
export interface StaleStream {
  tenantId: string;
  connectionId: string;
  stream: string;
  intervalSeconds: number;
  lastSucceededAt: Date | null;
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
   * Unpaused streams whose last success (or creation, if none yet) is older than twice their interval, and the age
   * of the least recently synced one in seconds (0 without schedules).
   */
  async staleness(): Promise<{ stale: number; oldestSuccessAgeSeconds: number }> {
    const rows = await sqlRows<{ stale: number; oldestSuccessAgeSeconds: number }>(
      this.dataSource,
      `SELECT count(*) FILTER (WHERE coalesce("last_succeeded_at", "created_at")
                                     < now() - make_interval(secs => 2 * "interval_seconds"))::int AS "stale",
              coalesce(extract(epoch FROM now() - min(coalesce("last_succeeded_at", "created_at"))), 0)::float8
                AS "oldestSuccessAgeSeconds"
       FROM sync.schedules WHERE NOT "paused"`,
    );
    return rows[0] ?? { stale: 0, oldestSuccessAgeSeconds: 0 };
  }

  /** The stale streams themselves (as counted by {@link staleness}), the longest-stale first, at most `limit`. */
  staleStreams(limit: number): Promise<StaleStream[]> {
    return sqlRows<StaleStream>(
      this.dataSource,
      `SELECT "tenant_id" AS "tenantId", "connection_id" AS "connectionId", "stream", "interval_seconds" AS "intervalSeconds",
              "last_succeeded_at" AS "lastSucceededAt"
       FROM sync.schedules
       WHERE NOT "paused" AND coalesce("last_succeeded_at", "created_at") < now() - make_interval(secs => 2 * "interval_seconds")
       ORDER BY coalesce("last_succeeded_at", "created_at") LIMIT $1`,
      [limit],
    );
  }

  /** A tenant's schedules, one connection's when given, ordered by connection and stream. */
  async listForTenant(tenantId: string, connectionId?: string): Promise<ScheduleRow[]> {
    return sqlRows<ScheduleRow>(
      this.dataSource,
      `SELECT ${SCHEDULE_COLUMNS} FROM sync.schedules
       WHERE "tenant_id" = $1 AND ($2::text IS NULL OR "connection_id" = $2)
       ORDER BY "connection_id", "stream"`,
      [tenantId, connectionId ?? null],
    );
  }

  /**
   * Sets a stream's interval and/or pause flag (what is not given is kept; a new schedule gets `defaultIntervalSeconds`)
   * and moves its next run one interval from now. The caller has checked the connection is the tenant's.
   */
  async configure(settings: {
    tenantId: string;
    connectionId: string;
    stream: string;
    intervalSeconds?: number;
    paused?: boolean;
    defaultIntervalSeconds: number;
  }): Promise<ScheduleRow> {
    const [row] = await sqlRows<ScheduleRow>(
      this.dataSource,
      `INSERT INTO sync.schedules AS s ("connection_id", "stream", "tenant_id", "interval_seconds", "paused", "next_run_at")
       VALUES ($1, $2, $3, coalesce($4::integer, $6::integer), coalesce($5::boolean, false),
               now() + make_interval(secs => coalesce($4::integer, $6::integer)))
       ON CONFLICT ("connection_id", "stream") DO UPDATE SET
         "interval_seconds" = coalesce($4::integer, s."interval_seconds"),
         "paused" = coalesce($5::boolean, s."paused"),
         "next_run_at" = now() + make_interval(secs => coalesce($4::integer, s."interval_seconds"))
       RETURNING ${SCHEDULE_COLUMNS}`,
      [
        settings.connectionId,
        settings.stream,
        settings.tenantId,
        settings.intervalSeconds ?? null,
        settings.paused ?? null,
        settings.defaultIntervalSeconds,
      ],
    );
    if (!row) throw new Error('schedule upsert returned no row');
    return row;
  }

  /** Removes every schedule of a connection (it was revoked or deleted); returns how many went. */
  async removeForConnection(tenantId: string, connectionId: string): Promise<number> {
    const removed = await sqlRows<{ stream: string }>(
      this.dataSource,
      `DELETE FROM sync.schedules WHERE "tenant_id" = $1 AND "connection_id" = $2 RETURNING "stream"`,
      [tenantId, connectionId],
    );
    return removed.length;
  }

  /** Claims up to `limit` due schedules and moves their next run one interval ahead. */
  async claimDue(limit: number): Promise<DueSchedule[]> {
    const list = await sqlRows<{ tenant_id: string; connection_id: string; stream: string }>(
      this.dataSource,
      `UPDATE sync.schedules s SET "next_run_at" = now() + make_interval(secs => s."interval_seconds")
       FROM (SELECT "connection_id", "stream" FROM sync.schedules WHERE "next_run_at" <= now() AND NOT "paused"
             ORDER BY "next_run_at" LIMIT $1 FOR UPDATE SKIP LOCKED) due
       WHERE s."connection_id" = due."connection_id" AND s."stream" = due."stream"
       RETURNING s."tenant_id", s."connection_id", s."stream"`,
      [limit],
    );
    return list.map((r) => ({ tenantId: r.tenant_id, connectionId: r.connection_id, stream: r.stream }));
  }
}
