import { DataSource, type EntityManager } from 'typeorm';

/** Where {@link sqlRows} runs: a DataSource (a pooled connection per call) or an EntityManager (its transaction). */
export type SqlSource = DataSource | EntityManager;

/**
 * Runs one SQL statement and returns its rows, typed as `Row`. TypeORM's plain `query()` answers UPDATE/DELETE with
 * `[rows, rowCount]` and everything else with the rows, which makes a `RETURNING` fence look like it matched; the
 * structured result of a query runner has the rows for every command. An EntityManager inside a transaction runs on
 * that transaction's connection.
 */
export async function sqlRows<Row>(source: SqlSource, sql: string, params: readonly unknown[] = []): Promise<Row[]> {
  const held = source instanceof DataSource ? undefined : source.queryRunner;
  const runner = held ?? (source instanceof DataSource ? source : source.connection).createQueryRunner();
  try {
    const result = await runner.query(sql, [...params], true);
    return (result.records ?? []) as Row[];
  } finally {
    if (!held) await runner.release();
  }
}

/** Postgres refused a row for a unique constraint (SQLSTATE 23505): the caller's CONFLICT. */
export function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === '23505';
}
