import type { AccountDataset } from '../dataset/dataset.js';
import { PROJECT, issueIndex, issueLabels } from './jira-render.js';

export type OrderField = 'created' | 'updated' | 'key';

/** A parsed JQL query: the issues it keeps and the order it sorts them in. */
export interface JqlQuery {
  readonly accept: (index: number) => boolean;
  readonly orderBy: OrderField;
  readonly descending: boolean;
}

export type JqlResult = { ok: true; query: JqlQuery } | { ok: false; message: string };

const CLAUSE = /^\s*(\w+)\s*(>=|<=|!=|=|>|<|\bin\b)\s*(\([^)]*\)|"[^"]*"|'[^']*'|[^\s()]+)\s*$/i;
const UNBOUNDED = 'Unbounded JQL queries are not allowed here. Please add a search restriction to your query.';

// JQL dates: "yyyy-MM-dd HH:mm", "yyyy/MM/dd HH:mm" or a date alone, in the user's time zone (UTC here).
function jqlDate(text: string): number | undefined {
  const m = /^(\d{4})[-/](\d{2})[-/](\d{2})(?:\s+(\d{2}):(\d{2}))?$/.exec(text);
  if (!m) return undefined;
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4] ?? 0), Number(m[5] ?? 0));
}

const unquote = (v: string): string => v.replace(/^["']|["']$/g, '');

function compare(op: string, a: number, b: number): boolean {
  switch (op) {
    case '=':
      return a === b;
    case '!=':
      return a !== b;
    case '>':
      return a > b;
    case '>=':
      return a >= b;
    case '<':
      return a < b;
    default:
      return a <= b;
  }
}

function clause(data: AccountDataset, text: string): ((index: number) => boolean) | string {
  const m = CLAUSE.exec(text);
  if (!m) return `Error in the JQL Query: unable to parse '${text.trim()}'.`;
  const field = (m[1] ?? '').toLowerCase();
  const op = (m[2] ?? '').toLowerCase();
  const raw = m[3] ?? '';
  const values =
    op === 'in'
      ? raw
          .replace(/^\(|\)$/g, '')
          .split(',')
          .map((v) => unquote(v.trim()))
      : [unquote(raw)];
  if (field === 'project') {
    const known = values.some((v) => v.toUpperCase() === PROJECT.key || v === PROJECT.id || v === PROJECT.name);
    if (op !== '=' && op !== 'in') return `Error in the JQL Query: operator '${op}' is not supported for project.`;
    return () => known;
  }
  if (field === 'key' || field === 'issuekey' || field === 'id') {
    const wanted = values.map((v) => issueIndex(data, v));
    if (op === '=' || op === 'in') return (i) => wanted.includes(i);
    const pivot = wanted[0];
    if (pivot === undefined) return `Error in the JQL Query: issue '${values[0] ?? ''}' does not exist.`;
    return (i) => compare(op, i, pivot);
  }
  if (field === 'labels') {
    if (op === '=' || op === 'in') return (i) => issueLabels(data, i).some((label) => values.includes(label));
    return `Error in the JQL Query: operator '${op}' is not supported for labels.`;
  }
  if (field === 'created' || field === 'updated') {
    const at = jqlDate(values[0] ?? '');
    if (at === undefined || op === 'in')
      return `Error in the JQL Query: date value '${values[0] ?? ''}' for field '${field}' is invalid. Valid formats include: 'yyyy/MM/dd HH:mm', 'yyyy-MM-dd HH:mm', 'yyyy/MM/dd', 'yyyy-MM-dd'.`;
    const time =
      field === 'created' ? (i: number) => data.order(i).createdAt : (i: number) => data.orderTimeline.time(i);
    return (i) => compare(op, time(i), at);
  }
  return `Error in the JQL Query: field '${field}' is not supported by the sandbox.`;
}

/** Parses the subset of JQL the sandbox serves: project, key/id, created, updated, labels; ORDER BY one of the first. */
export function parseJql(data: AccountDataset, jql: string): JqlResult {
  const [where = '', order] = jql.split(/\border\s+by\b/i);
  const orderMatch = order === undefined ? null : /^\s*(created|updated|key|issuekey)\s*(asc|desc)?\s*$/i.exec(order);
  if (order !== undefined && !orderMatch)
    return { ok: false, message: 'Error in the JQL Query: ORDER BY supports one of created, updated, key.' };
  const parts = where.trim() === '' ? [] : where.split(/\s+and\s+/i);
  if (parts.length === 0) return { ok: false, message: UNBOUNDED };
  const tests: ((index: number) => boolean)[] = [];
  for (const part of parts) {
    const test = clause(data, part);
    if (typeof test === 'string') return { ok: false, message: test };
    tests.push(test);
  }
  const field = (orderMatch?.[1] ?? 'created').toLowerCase();
  return {
    ok: true,
    query: {
      accept: (i) => tests.every((t) => t(i)),
      orderBy: field === 'issuekey' ? 'key' : (field as OrderField),
      // Without ORDER BY the sandbox sorts newest first (chosen; Jira documents no default order).
      descending: orderMatch ? (orderMatch[2] ?? 'asc').toLowerCase() === 'desc' : true,
    },
  };
}
