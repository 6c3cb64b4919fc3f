// SQL of the shared token bucket. Every statement reads the database clock (clock_timestamp()), so replicas
// with skewed clocks agree on refills and on blocked_until.

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}(\.[a-z_][a-z0-9_]{0,62})?$/;

/** Rejects anything but a plain (optionally schema-qualified) lower-case identifier: it is put into SQL text. */
export function assertTableName(table: string): void {
  if (!IDENTIFIER.test(table)) {
    throw new Error('Rate-limit table must be a lower-case identifier like "sync.rate_limit_bucket"');
  }
}

/** Options of {@link rateLimitTableSql}. */
export interface RateLimitTableOptions {
  /** UNLOGGED skips the WAL (faster; the budget restarts full after a crash or failover). Default false. */
  unlogged?: boolean;
}

/**
 * The CREATE TABLE statement for the shared token bucket; the owning service puts it in a migration.
 * One row per bucket key. fillfactor leaves room on each page so the constant updates stay HOT.
 */
export function rateLimitTableSql(schemaQualifiedTable: string, options: RateLimitTableOptions = {}): string {
  assertTableName(schemaQualifiedTable);
  const unlogged = options.unlogged === true ? 'UNLOGGED ' : '';
  return `CREATE ${unlogged}TABLE ${schemaQualifiedTable} (
  key text PRIMARY KEY,
  tokens double precision NOT NULL,
  capacity double precision NOT NULL CHECK (capacity > 0),
  refill_per_sec double precision NOT NULL CHECK (refill_per_sec >= 0),
  updated_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  blocked_until timestamptz NULL
) WITH (fillfactor = 50)`;
}

/**
 * Turns off the WAL flush at the commit of the statement it is part of (set_config local = this transaction only).
 * A bucket's last fraction of a second lost in a Postgres crash only refills it a little early, while a flush per take
 * cost ~8 ms of every provider call on a busy disk (bench proxy).
 */
const ASYNC_COMMIT = `set_config('synchronous_commit', 'off', true) IS NOT NULL`;

// Takes for a batch of requests at once: $2 is their costs in arrival order, and the longest prefix that the refilled
// tokens cover is granted (a cost that does not fit stops the batch, so a large take is not starved by small ones).
// FOR UPDATE waits for a concurrent take and then re-reads the newest row, so two replicas never spend the same
// tokens; clock_timestamp() is read per row, after the lock.
export function takeSql(table: string): string {
  return `WITH cur AS (
  SELECT key, tokens, capacity, refill_per_sec, updated_at, blocked_until, clock_timestamp() AS ts
  FROM ${table} WHERE key = $1 AND ${ASYNC_COMMIT} FOR UPDATE
), calc AS (
  SELECT key, ts, capacity, refill_per_sec, blocked_until,
    least(capacity, tokens + refill_per_sec * greatest(0, extract(epoch FROM ts - updated_at)::double precision)) AS avail,
    (blocked_until IS NULL OR blocked_until <= ts) AS open
  FROM cur
), fit AS (
  SELECT count(w.spent)::int AS granted, coalesce(max(w.spent), 0) AS spent
  FROM calc LEFT JOIN LATERAL (
    SELECT sum(c.cost) OVER (ORDER BY c.n) AS spent FROM unnest($2::double precision[]) WITH ORDINALITY AS c(cost, n)
  ) AS w ON calc.open AND w.spent <= calc.avail
)
UPDATE ${table} AS b
SET tokens = calc.avail - fit.spent, updated_at = greatest(b.updated_at, calc.ts)
FROM calc, fit WHERE b.key = calc.key
RETURNING fit.granted, fit.spent, calc.avail, calc.capacity, calc.refill_per_sec,
  CASE WHEN calc.open THEN 0
       ELSE extract(epoch FROM calc.blocked_until - calc.ts)::double precision * 1000 END AS blocked_ms`;
}

// A key's first use creates it full; a concurrent first use by another replica is harmless (DO NOTHING).
export function createKeySql(table: string): string {
  return `INSERT INTO ${table} (key, tokens, capacity, refill_per_sec, updated_at)
VALUES ($1, $2::double precision, $2::double precision, $3::double precision, clock_timestamp())
ON CONFLICT (key) DO NOTHING`;
}

// One upsert for observe() and configure(). Parameters: $1 key, $2/$3 default capacity/refill,
// $4 retry-after ms, $5 capacity, $6 refill, $7 tokens ceiling; null keeps the current value
// (least/greatest ignore nulls).
export function adjustSql(table: string): string {
  return `INSERT INTO ${table} AS b (key, tokens, capacity, refill_per_sec, updated_at, blocked_until)
SELECT $1, least(coalesce($5::double precision, $2::double precision), $7::double precision),
  coalesce($5::double precision, $2::double precision), coalesce($6::double precision, $3::double precision),
  c.ts, c.ts + $4::double precision * interval '1 millisecond'
FROM (SELECT clock_timestamp() AS ts) AS c WHERE ${ASYNC_COMMIT}
ON CONFLICT (key) DO UPDATE SET
  tokens = least(
    b.capacity,
    b.tokens + b.refill_per_sec * greatest(0, extract(epoch FROM EXCLUDED.updated_at - b.updated_at)::double precision),
    coalesce($5::double precision, b.capacity),
    $7::double precision),
  capacity = coalesce($5::double precision, b.capacity),
  refill_per_sec = coalesce($6::double precision, b.refill_per_sec),
  updated_at = greatest(b.updated_at, EXCLUDED.updated_at),
  blocked_until = greatest(b.blocked_until, EXCLUDED.blocked_until)`;
}
