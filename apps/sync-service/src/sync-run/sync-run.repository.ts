import { Injectable } from '@nestjs/common';
import type { SyncRunStatus, SyncRunView } from '@shelflink/contracts';
import { randomUUID } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import { sqlRows } from '@shelflink/database';
import type { StatementPart } from '../checkpoint/checkpoint.repository.js';

export interface NewRun {
  tenantId: string;
  connectionId: string;
  stream: string;
  mode: 'incremental' | 'full';
  trigger: 'manual' | 'schedule' | 'event';
}

export interface RunRow {
  id: string;
  tenant_id: string;
  connection_id: string;
  stream: string;
  mode: string;
  trigger: string;
  status: string;
  pages: number;
  records: number;
  changed: number;
  attempts: number;
  error_code: string | null;
  error_message: string | null;
  queued_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
}

const ACTIVE = `status IN ('queued', 'running')`;

/** Runs and their stream leases. */
@Injectable()
export class SyncRunRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Queues a run unless the stream already has an active one; returns the new or the active run. */
  async enqueueOrFindActive(run: NewRun): Promise<{ run: RunRow; created: boolean }> {
    const inserted = await sqlRows<RunRow>(
      this.dataSource,
      `INSERT INTO sync.runs ("id", "tenant_id", "connection_id", "stream", "mode", "trigger", "status", "pages", "records",
           "changed", "attempts", "queued_at")
         VALUES ($1, $2, $3, $4, $5, $6, 'queued', 0, 0, 0, 0, now())
         ON CONFLICT ("connection_id", "stream") WHERE ${ACTIVE} DO NOTHING RETURNING *`,
      [randomUUID(), run.tenantId, run.connectionId, run.stream, run.mode, run.trigger],
    );
    if (inserted[0]) return { run: inserted[0], created: true };
    const active = await sqlRows<RunRow>(
      this.dataSource,
      `SELECT * FROM sync.runs WHERE "connection_id" = $1 AND "stream" = $2 AND ${ACTIVE}`,
      [run.connectionId, run.stream],
    );
    // The active run may have finished in between: try once more.
    return active[0] ? { run: active[0], created: false } : this.enqueueOrFindActive(run);
  }

  async findById(runId: string): Promise<RunRow | undefined> {
    return (await sqlRows<RunRow>(this.dataSource, `SELECT * FROM sync.runs WHERE "id" = $1`, [runId]))[0];
  }

  /** Queued runs whose work-queue message may have been lost (publish failed after the insert). */
  async findStaleQueued(olderThanSeconds: number, limit: number): Promise<RunRow[]> {
    return sqlRows<RunRow>(
      this.dataSource,
      `SELECT * FROM sync.runs WHERE "status" = 'queued' AND "queued_at" < now() - make_interval(secs => $1) LIMIT $2`,
      [olderThanSeconds, limit],
    );
  }

  /** Running runs whose holder died and whose message JetStream gave up on: nobody will resume them otherwise. */
  async findOrphaned(graceSeconds: number, limit: number): Promise<RunRow[]> {
    return sqlRows<RunRow>(
      this.dataSource,
      `SELECT r.* FROM sync.runs r
         LEFT JOIN sync.stream_leases l ON l."connection_id" = r."connection_id" AND l."stream" = r."stream"
         WHERE r."status" = 'running' AND r."started_at" < now() - make_interval(secs => $1)
           AND (l."expires_at" IS NULL OR l."expires_at" < now() - make_interval(secs => $1))
         LIMIT $2`,
      [graceSeconds, limit],
    );
  }

  async listForTenant(query: {
    tenantId: string;
    connectionId?: string;
    runId?: string;
    status?: SyncRunStatus;
    limit: number;
    before?: string;
  }): Promise<RunRow[]> {
    const params: unknown[] = [query.tenantId, query.limit];
    const where = ['"tenant_id" = $1'];
    if (query.connectionId) where.push(`"connection_id" = $${params.push(query.connectionId)}`);
    if (query.runId) where.push(`"id"::text = $${params.push(query.runId)}`);
    if (query.status) where.push(`"status" = $${params.push(query.status)}`);
    if (query.before) {
      where.push(
        `("queued_at", "id") < (SELECT "queued_at", "id" FROM sync.runs WHERE "id"::text = $${params.push(query.before)})`,
      );
    }
    return sqlRows<RunRow>(
      this.dataSource,
      `SELECT * FROM sync.runs WHERE ${where.join(' AND ')} ORDER BY "queued_at" DESC, "id" DESC LIMIT $2`,
      params,
    );
  }

  /** Takes the stream's lease for this run if it is free, expired, or already ours. */
  async acquireLease(run: RunRow, holder: string, ttlMs: number): Promise<boolean> {
    const rows = await sqlRows<{ holder: string }>(
      this.dataSource,
      `INSERT INTO sync.stream_leases AS l ("connection_id", "stream", "run_id", "holder", "expires_at")
         VALUES ($1, $2, $3, $4, now() + make_interval(secs => $5::double precision / 1000))
         ON CONFLICT ("connection_id", "stream") DO UPDATE
           SET "run_id" = EXCLUDED."run_id", "holder" = EXCLUDED."holder", "expires_at" = EXCLUDED."expires_at"
           WHERE l."expires_at" < now() OR l."holder" = EXCLUDED."holder"
         RETURNING "holder"`,
      [run.connection_id, run.stream, run.id, holder, ttlMs],
    );
    return rows.length === 1;
  }

  /** Extends our lease (inside the page transaction); false when another holder took it over. */
  async renewLease(manager: EntityManager, run: RunRow, holder: string, ttlMs: number): Promise<boolean> {
    const rows = await sqlRows<{ holder: string }>(
      manager,
      `UPDATE sync.stream_leases SET "expires_at" = now() + make_interval(secs => $4::double precision / 1000)
         WHERE "connection_id" = $1 AND "stream" = $2 AND "holder" = $3 RETURNING "holder"`,
      [run.connection_id, run.stream, holder, ttlMs],
    );
    return rows.length === 1;
  }

  async releaseLease(run: RunRow, holder: string): Promise<void> {
    await this.dataSource.query(
      `DELETE FROM sync.stream_leases WHERE "connection_id" = $1 AND "stream" = $2 AND "holder" = $3`,
      [run.connection_id, run.stream, holder],
    );
  }

  /** Marks the run running (again, after a crash) and returns its attempt number. */
  async markRunning(runId: string): Promise<number> {
    const rows = await sqlRows<{ attempts: number }>(
      this.dataSource,
      `UPDATE sync.runs SET "status" = 'running', "attempts" = "attempts" + 1, "started_at" = coalesce("started_at", now())
         WHERE "id" = $1 RETURNING "attempts"`,
      [runId],
    );
    return rows[0]?.attempts ?? 0;
  }

  /** Counts a page into the run and writes its checkpoint (`checkpoint`, a CTE part) in the same statement. */
  async addProgress(
    manager: EntityManager,
    runId: string,
    page: { records: number; changed: number },
    checkpoint: StatementPart,
  ): Promise<void> {
    await manager.query(
      `WITH checkpoint AS (${checkpoint.sql(4)})
       UPDATE sync.runs SET "pages" = "pages" + 1, "records" = "records" + $2, "changed" = "changed" + $3 WHERE "id" = $1`,
      [runId, page.records, page.changed, ...checkpoint.params],
    );
  }

  async finish(
    runId: string,
    status: 'succeeded' | 'failed',
    error?: { code: string; message: string },
  ): Promise<void> {
    // A success also dates the stream's schedule, in the same statement: staleness never lags a finished run.
    await this.dataSource.query(
      `WITH run AS (
         UPDATE sync.runs SET "status" = $2, "finished_at" = now(), "error_code" = $3, "error_message" = $4
         WHERE "id" = $1 RETURNING "connection_id", "stream", "status")
       UPDATE sync.schedules s SET "last_succeeded_at" = now() FROM run
       WHERE run."status" = 'succeeded' AND s."connection_id" = run."connection_id" AND s."stream" = run."stream"`,
      [runId, status, error?.code ?? null, error?.message ?? null],
    );
  }
}

export function toRunView(row: RunRow): SyncRunView {
  const finished = row.finished_at ?? null;
  return {
    id: row.id,
    tenantId: row.tenant_id,
    connectionId: row.connection_id,
    stream: row.stream as SyncRunView['stream'],
    mode: row.mode as SyncRunView['mode'],
    trigger: row.trigger as SyncRunView['trigger'],
    status: row.status as SyncRunView['status'],
    pages: row.pages,
    records: row.records,
    changed: row.changed,
    attempts: row.attempts,
    errorCode: row.error_code,
    errorMessage: row.error_message,
    queuedAt: row.queued_at.toISOString(),
    startedAt: row.started_at?.toISOString() ?? null,
    finishedAt: finished?.toISOString() ?? null,
    durationMs: finished && row.started_at ? finished.getTime() - row.started_at.getTime() : null,
  };
}
