import { DataSource, type EntityManager } from 'typeorm';

/**
 * Runs SQL and returns its rows. TypeORM's plain `query()` answers UPDATE/DELETE with `[rows, count]`, which would
 * make a `RETURNING` fence look like it matched; the structured result has the rows for every command.
 */
export async function sqlRows<T>(
  source: DataSource | EntityManager,
  sql: string,
  params: unknown[] = [],
): Promise<T[]> {
  const owned = source instanceof DataSource;
  const runner = owned ? source.createQueryRunner() : source.queryRunner;
  if (!runner) throw new Error('sqlRows: an EntityManager outside a transaction has no query runner');
  try {
    const result = await runner.query(sql, params, true);
    return (result.records ?? []) as T[];
  } finally {
    if (owned) await runner.release();
  }
}
