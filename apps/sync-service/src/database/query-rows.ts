/**
 * Rows of a TypeORM `query()` result: it returns `[rows, rowCount]` for UPDATE/DELETE ... RETURNING and the rows
 * for everything else.
 */
export function rowsOf<T>(result: unknown): T[] {
  if (!Array.isArray(result)) return [];
  if (result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number') return result[0] as T[];
  return result as T[];
}
