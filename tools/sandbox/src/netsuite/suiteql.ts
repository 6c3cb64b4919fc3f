import { transactionLineTable } from './netsuite-lines.js';
import { HEADER_TABLES, type ColumnType, type NetSuiteData, type Raw, type Table } from './netsuite-tables.js';
import {
  formatWithFormat,
  parseSuiteQl,
  SuiteQlError,
  type Condition,
  type Literal,
  type ParsedQuery,
} from './suiteql-parse.js';

/** SuiteQL through REST returns at most 100,000 rows of a query and at most 1,000 pages. */
export const MAX_RESULTS = 100_000;
export const MAX_PAGES = 1000;

const TABLES: Readonly<Record<string, (ns: NetSuiteData) => Table>> = {
  ...HEADER_TABLES,
  transactionline: transactionLineTable,
};
// Tables whose row positions are already in ascending order of these columns (no sort needed for that ORDER BY).
const NATURAL: Readonly<Record<string, string>> = {
  location: 'id',
  item: 'id',
  inventoryitemlocations: 'item,location',
  transaction: 'id',
  transactionline: 'uniquekey',
};

export interface SuiteQlPage {
  readonly rows: Record<string, string>[];
  readonly total: number;
}

// SuiteQL renders dates in the user's date format (M/D/YYYY here), datetimes included, unless TO_CHAR says otherwise.
function display(value: Raw, type: ColumnType): string {
  if (value === null) return '';
  if (type === 'date' || type === 'datetime') {
    const d = new Date(Number(value));
    return `${d.getUTCMonth() + 1}/${d.getUTCDate()}/${d.getUTCFullYear()}`;
  }
  return String(value);
}

function comparable(value: Raw, literal: Literal, type: ColumnType): [number | string, number | string] | undefined {
  if (value === null) return undefined;
  if (type === 'date' || type === 'datetime') {
    if (literal.kind === 'time' || literal.kind === 'number') return [Number(value), literal.value];
    const m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(literal.value);
    return m ? [Number(value), Date.UTC(Number(m[3]), Number(m[1]) - 1, Number(m[2]))] : undefined;
  }
  if (type === 'number') return [Number(value), Number(literal.value)];
  return [String(value), String(literal.value)];
}

function matches(table: Table, pos: number, c: Condition): boolean {
  const value = table.get(pos, c.column);
  if (c.op === 'is null') return value === null;
  if (c.op === 'is not null') return value !== null;
  const type = table.columns[c.column] ?? 'text';
  const test = (lit: Literal, op: Condition['op']): boolean => {
    const pair = comparable(value, lit, type);
    if (!pair) return false;
    const [a, b] = pair;
    return op === '=' || op === 'in'
      ? a === b
      : op === '!='
        ? a !== b
        : op === '<'
          ? a < b
          : op === '<='
            ? a <= b
            : op === '>'
              ? a > b
              : a >= b;
  };
  return c.op === 'in' ? c.values.some((v) => test(v, 'in')) : test(c.values[0] ?? { kind: 'text', value: '' }, c.op);
}

function checkColumns(table: Table, name: string, query: ParsedQuery): void {
  const used = [
    ...query.select.map((s) => s.column),
    ...query.where.map((w) => w.column),
    ...query.orderBy.map((o) => o.column),
  ];
  for (const column of used)
    if (column !== '*' && !(column in table.columns))
      throw new SuiteQlError(`Field '${column}' for record '${name}' was not found.`);
}

function candidates(table: Table, where: readonly Condition[]): number[] {
  for (const c of where) {
    if ((c.op === '=' || c.op === 'in') && c.values.every((v) => v.kind === 'number')) {
      const narrowed = table.narrow?.(
        c.column,
        c.values.map((v) => Number(v.value)),
      );
      // In position order, each once: an IN list may repeat or reorder ids, and natural orders skip the sort.
      if (narrowed) return [...new Set(narrowed)].sort((a, b) => a - b);
    }
  }
  return Array.from({ length: table.count() }, (_, pos) => pos);
}

function sortRows(table: Table, name: string, positions: number[], orderBy: ParsedQuery['orderBy']): number[] {
  const ascending = orderBy.every((o) => !o.descending);
  if (orderBy.length === 0 || (ascending && NATURAL[name] === orderBy.map((o) => o.column).join(','))) return positions;
  const keys = new Map(positions.map((p) => [p, orderBy.map((o) => table.get(p, o.column))]));
  return positions.sort((a, b) => {
    for (const [k, o] of orderBy.entries()) {
      const x = keys.get(a)?.[k] ?? null;
      const y = keys.get(b)?.[k] ?? null;
      if (x === y) continue;
      const less =
        x === null || (y !== null && (typeof x === 'number' && typeof y === 'number' ? x < y : String(x) < String(y)));
      return (less ? -1 : 1) * (o.descending ? -1 : 1);
    }
    return a - b;
  });
}

// `*` expanded to the table's columns, once per query rather than once per row.
function selected(table: Table, select: ParsedQuery['select']): ParsedQuery['select'] {
  return select.flatMap((s) =>
    s.column === '*' ? Object.keys(table.columns).map((c) => ({ ...s, column: c, name: c })) : [s],
  );
}

function render(table: Table, pos: number, items: ParsedQuery['select']): Record<string, string> {
  const row: Record<string, string> = {};
  for (const item of items) {
    const value = table.get(pos, item.column);
    // Null columns are left out of the row, as SuiteQL does.
    if (value === null) continue;
    const type = table.columns[item.column] ?? 'text';
    row[item.name] = item.fn === 'to_char' ? formatWithFormat(Number(value), item.format ?? '') : display(value, type);
  }
  return row;
}

/** Runs a query and returns one page (every value a string); throws SuiteQlError for bad queries or paging. */
export function runSuiteQl(ns: NetSuiteData, q: string, limit: number, offset: number): SuiteQlPage {
  const query = parseSuiteQl(q);
  const make = TABLES[query.table];
  if (!make) throw new SuiteQlError(`Record '${query.table}' was not found.`);
  const table = make(ns);
  checkColumns(table, query.table, query);
  const matched = candidates(table, query.where).filter((pos) => query.where.every((c) => matches(table, pos, c)));
  const reachable = Math.min(matched.length, MAX_RESULTS);
  if (offset >= MAX_RESULTS || offset / limit >= MAX_PAGES)
    throw new SuiteQlError(
      `The offset ${offset} is beyond the ${MAX_RESULTS.toLocaleString('en-US')} results (${MAX_PAGES} pages) a query can return.`,
    );
  const sorted = sortRows(table, query.table, matched, query.orderBy).slice(0, reachable);
  const columns = selected(table, query.select);
  return {
    rows: sorted.slice(offset, offset + limit).map((pos) => render(table, pos, columns)),
    total: matched.length,
  };
}

/** Every row of a table with all columns, datetimes as ISO 8601 (the export: the truth, not SuiteQL's display). */
export function* exportRows(ns: NetSuiteData, name: string): Generator<Record<string, string>> {
  const make = TABLES[name];
  if (!make) return;
  const table = make(ns);
  for (let pos = 0; pos < table.count(); pos++) {
    const row: Record<string, string> = {};
    for (const [column, type] of Object.entries(table.columns)) {
      const value = table.get(pos, column);
      if (value === null) continue;
      row[column] = type === 'datetime' || type === 'date' ? new Date(Number(value)).toISOString() : String(value);
    }
    yield row;
  }
}

/** The tables the export and SuiteQL know. */
export const SUITEQL_TABLES = Object.keys(TABLES);
