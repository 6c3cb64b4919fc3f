// SQL of the shared token bucket. Every statement reads the database clock (clock_timestamp()), so replicas
// with skewed clocks agree on refills and on blocked_until.

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}(\.[a-z_][a-z0-9_]{0,62})?$/;

/** Rejects anything but a plain (optionally schema-qualified) lower-case identifier: it is put into SQL text. */
export function assertTableName(table: string): void {
  // The functions are named after the table (`_take`, `_adjust`): their names must fit Postgres's 63 characters too.
  if (!IDENTIFIER.test(table) || table.split('.').pop()!.length > 56) {
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
 * Turns off the WAL flush at the commit of the statement that called the function (set_config local = this transaction
 * only). A bucket's last fraction of a second lost in a Postgres crash only refills it a little early, while a flush
 * per take cost ~8 ms of every provider call on a busy disk (bench proxy).
 */
const ASYNC_COMMIT = `PERFORM set_config('synchronous_commit', 'off', true);`;

/**
 * The functions behind {@link takeSql} and {@link adjustSql}, for the owning service's migration (CREATE OR REPLACE:
 * a later migration may run it again). PL/pgSQL keeps a statement's plan per server connection, so a take is not
 * planned again on every call: planning the take's CTE cost ~0.5 ms of Postgres CPU per provider call. Unlike a named
 * prepared statement, it needs nothing of the client's connection, so it works through pgbouncer in transaction mode.
 */
export function rateLimitFunctionsSql(table: string): string[] {
  assertTableName(table);
  return [takeFunctionSql(table), adjustFunctionSql(table)];
}

/** Drops what {@link rateLimitFunctionsSql} created. */
export function rateLimitFunctionsDownSql(table: string): string[] {
  assertTableName(table);
  return [
    `DROP FUNCTION IF EXISTS ${table}_take(text, double precision[])`,
    `DROP FUNCTION IF EXISTS ${table}_adjust(text, ${Array(6).fill('double precision').join(', ')})`,
  ];
}

/** Takes for a batch of requests at once: $1 the key, $2 their costs in arrival order. */
export function takeSql(table: string): string {
  return `SELECT granted, spent, avail, capacity, refill_per_sec, blocked_ms FROM ${table}_take($1, $2::double precision[])`;
}

/**
 * One upsert for observe() and configure(). Parameters: $1 key, $2/$3 default capacity/refill, $4 retry-after ms,
 * $5 capacity, $6 refill, $7 tokens ceiling; null keeps the current value.
 */
export function adjustSql(table: string): string {
  const numbers = [2, 3, 4, 5, 6, 7].map((n) => `$${n}::double precision`).join(', ');
  return `SELECT ${table}_adjust($1, ${numbers})`;
}

// The longest prefix of the costs that the refilled tokens cover is granted (a cost that does not fit stops the batch,
// so a large take is not starved by small ones). FOR UPDATE waits for a concurrent take and then re-reads the newest
// row, so two replicas never spend the same tokens; clock_timestamp() is read per row, after the lock.
function takeFunctionSql(table: string): string {
  return `CREATE OR REPLACE FUNCTION ${table}_take(take_key text, costs double precision[])
RETURNS TABLE (granted int, spent double precision, avail double precision, capacity double precision,
  refill_per_sec double precision, blocked_ms double precision)
LANGUAGE plpgsql AS $fn$
#variable_conflict use_column
BEGIN
  ${ASYNC_COMMIT}
  RETURN QUERY
  WITH cur AS (
    SELECT key, tokens, capacity, refill_per_sec, updated_at, blocked_until, clock_timestamp() AS ts
    FROM ${table} WHERE key = take_key FOR UPDATE
  ), calc AS (
    SELECT key, ts, capacity, refill_per_sec, blocked_until,
      least(capacity, tokens + refill_per_sec * greatest(0, extract(epoch FROM ts - updated_at)::double precision)) AS avail,
      (blocked_until IS NULL OR blocked_until <= ts) AS open
    FROM cur
  ), fit AS (
    SELECT count(w.spent)::int AS granted, coalesce(max(w.spent), 0) AS spent
    FROM calc LEFT JOIN LATERAL (
      SELECT sum(c.cost) OVER (ORDER BY c.n) AS spent FROM unnest(costs) WITH ORDINALITY AS c(cost, n)
    ) AS w ON calc.open AND w.spent <= calc.avail
  )
  UPDATE ${table} AS b
  SET tokens = calc.avail - fit.spent, updated_at = greatest(b.updated_at, calc.ts)
  FROM calc, fit WHERE b.key = calc.key
  RETURNING fit.granted, fit.spent, calc.avail, calc.capacity, calc.refill_per_sec,
    CASE WHEN calc.open THEN 0
         ELSE extract(epoch FROM calc.blocked_until - calc.ts)::double precision * 1000 END;
END
$fn$`;
}

// least/greatest ignore nulls, so a null adjustment keeps the current value.
function adjustFunctionSql(table: string): string {
  return `CREATE OR REPLACE FUNCTION ${table}_adjust(adjust_key text, default_capacity double precision,
  default_refill double precision, retry_after_ms double precision, new_capacity double precision,
  new_refill double precision, tokens_ceiling double precision)
RETURNS void
LANGUAGE plpgsql AS $fn$
#variable_conflict use_column
BEGIN
  ${ASYNC_COMMIT}
  INSERT INTO ${table} AS b (key, tokens, capacity, refill_per_sec, updated_at, blocked_until)
  SELECT adjust_key, least(coalesce(new_capacity, default_capacity), tokens_ceiling),
    coalesce(new_capacity, default_capacity), coalesce(new_refill, default_refill),
    c.ts, c.ts + retry_after_ms * interval '1 millisecond'
  FROM (SELECT clock_timestamp() AS ts) AS c
  ON CONFLICT (key) DO UPDATE SET
    tokens = least(
      b.capacity,
      b.tokens + b.refill_per_sec * greatest(0, extract(epoch FROM EXCLUDED.updated_at - b.updated_at)::double precision),
      coalesce(new_capacity, b.capacity),
      tokens_ceiling),
    capacity = coalesce(new_capacity, b.capacity),
    refill_per_sec = coalesce(new_refill, b.refill_per_sec),
    updated_at = greatest(b.updated_at, EXCLUDED.updated_at),
    blocked_until = greatest(b.blocked_until, EXCLUDED.blocked_until);
END
$fn$`;
}

// A key's first use creates it full; a concurrent first use by another replica is harmless (DO NOTHING).
export function createKeySql(table: string): string {
  return `INSERT INTO ${table} (key, tokens, capacity, refill_per_sec, updated_at)
VALUES ($1, $2::double precision, $2::double precision, $3::double precision, clock_timestamp())
ON CONFLICT (key) DO NOTHING`;
}
