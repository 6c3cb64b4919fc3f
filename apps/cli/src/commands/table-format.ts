/** The rows a response holds: a top-level array, or the first array among its fields (`locations`, `orders`). */
export function rowsOf(body: unknown): readonly unknown[] | undefined {
  if (Array.isArray(body)) return body as unknown[];
  if (typeof body !== 'object' || body === null) return undefined;
  return Object.values(body).find((value): value is unknown[] => Array.isArray(value));
}

const MAX_WIDTH = 40;

/** A plain-text table of the rows' scalar fields (nested objects shown as JSON), columns in first-seen order. */
export function formatTable(rows: readonly unknown[]): string {
  const records = rows.map((row) => (typeof row === 'object' && row !== null ? row : { value: row }));
  const columns = [...new Set(records.flatMap((record) => Object.keys(record)))];
  const cell = (record: object, column: string): string => {
    const value = (record as Record<string, unknown>)[column];
    const text = value === undefined || value === null ? '' : typeof value === 'string' ? value : JSON.stringify(value);
    const flat = text.replace(/\s+/g, ' ');
    return flat.length > MAX_WIDTH ? `${flat.slice(0, MAX_WIDTH - 1)}…` : flat;
  };
  const cells = records.map((record) => columns.map((column) => cell(record, column)));
  const widths = columns.map((column, i) => Math.max(column.length, ...cells.map((row) => row[i]?.length ?? 0)));
  const line = (values: readonly string[]) =>
    values
      .map((value, i) => value.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(columns), line(widths.map((width) => '-'.repeat(width))), ...cells.map(line)].join('\n');
}
