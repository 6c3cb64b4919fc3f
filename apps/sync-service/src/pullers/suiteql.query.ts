import { SUITEQL_ISO_FORMAT as ISO_FORMAT } from '@shelflink/providers';
import { SyncError } from '../provider/provider.errors.js';

/** The column a SuiteQL stream's queries are cut along to stay under the row cap. */
export interface SliceColumn {
  readonly column: string;
  readonly kind: 'time' | 'number';
}

/** One SuiteQL stream: what it selects, and the column its queries are cut along to stay under the row cap. */
export interface SuiteQlStream {
  readonly table: string;
  readonly select: string;
  /** A fixed condition (e.g. the transaction types), or none. */
  readonly filter?: string;
  /** A stable order for offset paging. */
  readonly orderBy: string;
  /** `time`: lastmodifieddate, also the incremental cursor; `number`: an id column (no incremental cursor). */
  readonly slice: SliceColumn;
}

/** `[from, to)` along the slice column (epoch ms or ids); null is unbounded. */
export interface Window {
  readonly from: number | null;
  readonly to: number | null;
}

/** One slice of a chain: its window, and the newest slice value when the chain began (the watermark's cap). */
export interface SuiteQlSlice {
  readonly window: Window;
  /** The newest `lastmodifieddate` at the chain's start (ISO): the watermark never passes it. */
  readonly newestAtStart: string;
}

const QUERY = /^SELECT (.+) FROM (\w+)(?: WHERE (.+))? ORDER BY (.+)$/s;

/** The catalog's stream query (`SELECT … FROM table [WHERE …] ORDER BY …`) as the parts a window is added to. */
export function parseSuiteQl(q: unknown, slice: SliceColumn): SuiteQlStream {
  const match = typeof q === 'string' ? QUERY.exec(q) : null;
  const [, select, table, filter, orderBy] = match ?? [];
  if (select === undefined || table === undefined || orderBy === undefined)
    throw new Error(`the NetSuite catalog's query is not SELECT … FROM … ORDER BY …: ${String(q)}`);
  return { select, table, ...(filter !== undefined ? { filter } : {}), orderBy, slice };
}

const pad = (n: number): string => String(n).padStart(2, '0');

// A time literal in NetSuite's own clock, to the second (TO_CHAR gives no finer).
function timeLiteral(ms: number): string {
  const d = new Date(ms);
  const text = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
  return `TO_DATE('${text}', 'YYYY-MM-DD HH24:MI:SS')`;
}

const literal = (stream: SuiteQlStream, value: number): string =>
  stream.slice.kind === 'time' ? timeLiteral(value) : String(Math.trunc(value));

function conditions(stream: SuiteQlStream, window: Window): string {
  const { column } = stream.slice;
  const parts = [
    ...(stream.filter ? [stream.filter] : []),
    ...(window.from !== null ? [`${column} >= ${literal(stream, window.from)}`] : []),
    ...(window.to !== null ? [`${column} < ${literal(stream, window.to)}`] : []),
  ];
  return parts.length > 0 ? ` WHERE ${parts.join(' AND ')}` : '';
}

/** The page query of a window, in a stable order. */
export function pageQuery(stream: SuiteQlStream, window: Window): string {
  return `SELECT ${stream.select} FROM ${stream.table}${conditions(stream, window)} ORDER BY ${stream.orderBy}`;
}

/** One row (asked with limit 1) whose `v` is the newest (or oldest) slice value; totalResults counts the window. */
export function boundQuery(stream: SuiteQlStream, window: Window, newest: boolean): string {
  const { column, kind } = stream.slice;
  const value = kind === 'time' ? `TO_CHAR(${column}, '${ISO_FORMAT}')` : column;
  return `SELECT ${value} AS v FROM ${stream.table}${conditions(stream, window)} ORDER BY ${column}${newest ? ' DESC' : ''}`;
}

/** A slice value as a number: ISO times to epoch ms, ids as they are. */
export function sliceValue(stream: SuiteQlStream, text: string): number {
  const value = stream.slice.kind === 'time' ? Date.parse(text) : Number(text);
  if (!Number.isFinite(value))
    throw new SyncError('MALFORMED_RESPONSE', `NetSuite answered a bound that is not a ${stream.slice.kind}`);
  return value;
}

/** The smallest step of the slice column: a second (TO_CHAR's precision) or one id. */
export const sliceUnit = (stream: SuiteQlStream): number => (stream.slice.kind === 'time' ? 1000 : 1);

/** The middle of `[from, to)` on the unit grid; equal to `from` when the window cannot be cut further. */
export function midpoint(stream: SuiteQlStream, from: number, to: number): number {
  const unit = sliceUnit(stream);
  return Math.floor((from + (to - from) / 2) / unit) * unit;
}

export function encodeSlice(slice: SuiteQlSlice): string {
  return JSON.stringify(slice);
}

/** A slice this code wrote into a checkpoint; any other shape restarts the chain from its watermark. */
export function decodeSlice(text: string | null): SuiteQlSlice {
  try {
    const value = JSON.parse(text ?? '') as Partial<SuiteQlSlice>;
    const window = value.window as Partial<Window> | undefined;
    if (typeof value.newestAtStart === 'string' && isBound(window?.from) && isBound(window?.to))
      return { window: { from: window.from, to: window.to }, newestAtStart: value.newestAtStart };
  } catch {
    // fall through to the typed error
  }
  throw new SyncError('CURSOR_EXPIRED', 'the NetSuite checkpoint slice is not one this version wrote');
}

const isBound = (value: unknown): value is number | null => value === null || typeof value === 'number';
