import type { CallRefusal, CallView, CallsListRequest } from '@shelflink/contracts';

/** One provider call attempt to record: values only a template or a code, never a header, token, query value or body. */
export interface CallLogRow {
  id: string;
  at: Date;
  tenantId: string | null;
  connectionId: string | null;
  provider: string;
  caller: string;
  method: string;
  host: string;
  /** Made by `pathTemplate`/`urlTemplate`. */
  path: string;
  /** 0 when no answer came; null when Shelflink refused to send it. */
  status: number | null;
  /** Why it was never sent (the breaker, the shared budget); null when it was. */
  refusal: CallRefusal | null;
  durationMs: number;
  attempt: number;
  rateLimitWaitMs: number;
  breakerState: string;
  correlationId: string | null;
}

/** Runs one statement and returns its rows (`sqlRows` of `@shelflink/database` over a DataSource). */
export type CallLogQuery = (sql: string, params: unknown[]) => Promise<unknown[]>;

const COLUMNS = [
  'id',
  'at',
  'tenant_id',
  'connection_id',
  'provider',
  'caller',
  'method',
  'host',
  'path',
  'status',
  'duration_ms',
  'attempt',
  'rate_limit_wait_ms',
  'breaker_state',
  'correlation_id',
  'refusal',
] as const;

/** The DDL of a service's call log table, for its migration (`schema` is the service's own). */
export function callLogTableSql(schema: string): string[] {
  const table = `"${schema}"."provider_calls"`;
  return [
    `CREATE TABLE ${table} (
      "id" uuid PRIMARY KEY, "at" TIMESTAMP WITH TIME ZONE NOT NULL, "tenant_id" text, "connection_id" text,
      "provider" text NOT NULL, "caller" text NOT NULL, "method" text NOT NULL, "host" text NOT NULL,
      "path" text NOT NULL, "status" smallint NOT NULL, "duration_ms" integer NOT NULL, "attempt" smallint NOT NULL,
      "rate_limit_wait_ms" integer NOT NULL, "breaker_state" text NOT NULL, "correlation_id" text
    )`,
    `CREATE INDEX "provider_calls_tenant_at" ON ${table} ("tenant_id", "at" DESC, "id" DESC)`,
    `CREATE INDEX "provider_calls_connection_at" ON ${table} ("tenant_id", "connection_id", "at" DESC, "id" DESC)`,
    `CREATE INDEX "provider_calls_at" ON ${table} ("at")`,
  ];
}

/** The DDL that lets a service's call log hold attempts never sent: no status, and why. Neither rewrites the table. */
export function callLogRefusalSql(schema: string): string[] {
  const table = `"${schema}"."provider_calls"`;
  return [`ALTER TABLE ${table} ALTER COLUMN "status" DROP NOT NULL, ADD COLUMN "refusal" text`];
}

/** Reverts {@link callLogRefusalSql}; refused rows go, having no status to keep. */
export function callLogRefusalDownSql(schema: string): string[] {
  const table = `"${schema}"."provider_calls"`;
  return [
    `DELETE FROM ${table} WHERE "status" IS NULL`,
    `ALTER TABLE ${table} ALTER COLUMN "status" SET NOT NULL, DROP COLUMN "refusal"`,
  ];
}

/** Each column's type: the arrays are cast to these (an untyped parameter array would be text). */
const CASTS = [
  'uuid',
  'timestamptz',
  'text',
  'text',
  'text',
  'text',
  'text',
  'text',
  'text',
  'smallint',
  'integer',
  'smallint',
  'integer',
  'text',
  'text',
  'text',
] as const;

/**
 * One INSERT of `rows` into `table` (schema-qualified), a column array each (16 parameters, where a VALUES list took 16
 * per row and Postgres parsed and planned them all), committed without waiting for the WAL flush: a log losing its
 * last fraction of a second in a Postgres crash is fine, an fsync per batch on a busy disk slowed every other statement
 * of the service (bench proxy).
 */
export function insertCallsSql(table: string, rows: readonly CallLogRow[]): { sql: string; params: unknown[] } {
  const params: unknown[][] = COLUMNS.map(() => []);
  for (const row of rows) {
    const values = [
      row.id,
      row.at,
      row.tenantId,
      row.connectionId,
      row.provider,
      row.caller,
      row.method,
      row.host,
      row.path,
      row.status,
      Math.round(row.durationMs),
      row.attempt,
      Math.round(row.rateLimitWaitMs),
      row.breakerState,
      row.correlationId,
      row.refusal,
    ];
    values.forEach((value, i) => params[i]!.push(value));
  }
  const arrays = COLUMNS.map((_, i) => `$${i + 1}::${CASTS[i] ?? 'text'}[]`);
  return {
    sql: `WITH async_commit AS (SELECT set_config('synchronous_commit', 'off', true))
      INSERT INTO ${table} (${COLUMNS.join(', ')})
      SELECT v.* FROM unnest(${arrays.join(', ')}) AS v, async_commit`,
    params,
  };
}

/** Deletes at most `batch` rows older than `cutoff`; returns how many went. */
export async function pruneCalls(query: CallLogQuery, table: string, cutoff: Date, batch: number): Promise<number> {
  const rows = await query(
    `DELETE FROM ${table} WHERE id IN (SELECT id FROM ${table} WHERE at < $1 LIMIT $2) RETURNING 1 AS gone`,
    [cutoff, batch],
  );
  return rows.length;
}

interface StoredCall {
  id: string;
  at: Date;
  connection_id: string | null;
  provider: string;
  caller: string;
  method: string;
  path: string;
  status: number | null;
  refusal: CallRefusal | null;
  duration_ms: number;
  attempt: number;
  rate_limit_wait_ms: number;
  breaker_state: string;
}

/** A tenant's calls, newest first, filtered and keyset-paginated as `calls.list` asks. */
export async function listCalls(query: CallLogQuery, table: string, request: CallsListRequest): Promise<CallView[]> {
  const params: unknown[] = [request.tenantId];
  const where = ['tenant_id = $1'];
  const add = (clause: (n: string) => string, ...values: unknown[]): void => {
    const first = params.push(...values) - values.length + 1;
    where.push(clause(`$${first}`));
  };
  if (request.connectionId !== undefined) add((p) => `connection_id = ${p}`, request.connectionId);
  if (request.since !== undefined) add((p) => `at >= ${p}`, new Date(request.since));
  if (request.status !== undefined) where.push(statusClause(request.status));
  if (request.before !== undefined) {
    const { at, id } = request.before;
    add((p) => `(at, id) < (${p}, $${params.length})`, new Date(at), id);
  }
  params.push(request.limit);
  const rows = (await query(
    `SELECT id, at, connection_id, provider, caller, method, path, status, refusal, duration_ms, attempt,
       rate_limit_wait_ms, breaker_state
     FROM ${table} WHERE ${where.join(' AND ')} ORDER BY at DESC, id DESC LIMIT $${params.length}`,
    params,
  )) as StoredCall[];
  return rows.map((row) => ({
    id: row.id,
    at: new Date(row.at).toISOString(),
    connectionId: row.connection_id,
    provider: row.provider,
    caller: row.caller,
    method: row.method,
    path: row.path,
    status: row.status,
    ...(row.refusal === null ? {} : { refusal: row.refusal }),
    durationMs: row.duration_ms,
    attempt: row.attempt,
    rateLimitWaitMs: row.rate_limit_wait_ms,
    breakerState: row.breaker_state,
  }));
}

// The request schema admits only digits and fixed words here, so the clause is built from validated input.
function statusClause(status: string): string {
  if (status === 'refused') return 'status IS NULL';
  if (status === 'network') return 'status = 0';
  if (status === 'error') return '(status IS NULL OR status = 0 OR status >= 400)';
  const klass = /^([1-5])xx$/.exec(status);
  if (klass) return `status BETWEEN ${klass[1]}00 AND ${klass[1]}99`;
  return `status = ${Number.parseInt(status, 10)}`;
}
