import { SyncError } from '../provider/provider.errors.js';
import { ISO_FORMAT } from './netsuite.mapper.js';

/** One SuiteQL stream: what it selects, and the column its queries are cut along to stay under the row cap. */
export interface SuiteQlStream {
  readonly table: string;
  readonly select: string;
  /** A fixed condition (e.g. the transaction types), or none. */
  readonly filter?: string;
  /** A stable order for offset paging. */
  readonly orderBy: string;
  /** `time`: lastmodifieddate, also the incremental cursor; `number`: an id column (no incremental cursor). */
  readonly slice: { readonly column: string; readonly kind: 'time' | 'number' };
}

/** `[from, to)` along the slice column (epoch ms or ids); null is unbounded. */
export interface Window {
  readonly from: number | null;
  readonly to: number | null;
}

/** Where a chain stands: its window, the offset in it, and the newest slice value when the chain began. */
export interface SuiteQlCursor {
  readonly window: Window;
  readonly offset: number;
  /** False when the window's upper end still has to be sized (the previous window just ended). */
  readonly sized: boolean;
  /** The newest `lastmodifieddate` at the chain's start (ISO): the watermark never passes it. */
  readonly newestAtStart: string | null;
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

export function encodeCursor(cursor: SuiteQlCursor): string {
  return JSON.stringify(cursor);
}

/** A checkpointed cursor; one this code did not write is refused (the chain restarts from its watermark). */
export function decodeCursor(text: string): SuiteQlCursor {
  try {
    const value = JSON.parse(text) as SuiteQlCursor;
    if (typeof value.offset === 'number' && typeof value.window === 'object' && value.window !== null) return value;
  } catch {
    // fall through to the typed error
  }
  throw new SyncError('CURSOR_EXPIRED', 'the NetSuite checkpoint cursor is not one this version wrote');
}
