/** The subset of SuiteQL the sandbox runs: one table, no joins, AND-ed conditions, ORDER BY columns. */
export interface SelectItem {
  // '*' selects every column.
  readonly column: string;
  readonly fn: 'none' | 'to_char' | 'builtin.df';
  readonly format?: string;
  readonly name: string;
}

export type Literal =
  { kind: 'number'; value: number } | { kind: 'text'; value: string } | { kind: 'time'; value: number };

export interface Condition {
  readonly column: string;
  readonly op: '=' | '!=' | '<' | '<=' | '>' | '>=' | 'in' | 'is null' | 'is not null';
  readonly values: readonly Literal[];
}

export interface ParsedQuery {
  readonly table: string;
  readonly select: readonly SelectItem[];
  readonly where: readonly Condition[];
  readonly orderBy: readonly { column: string; descending: boolean }[];
}

export class SuiteQlError extends Error {}

const QUERY =
  /^\s*select\s+(.+?)\s+from\s+(\w+)(?:\s+(?:as\s+)?(?!where\b|order\b)(\w+))?(?:\s+where\s+(.+?))?(?:\s+order\s+by\s+(.+?))?\s*;?\s*$/is;

/** Splits on a separator outside parentheses and quotes. */
function splitTop(text: string, separator: RegExp): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  // Sticky: matches only at the current position, without copying the rest of the text.
  const sticky = new RegExp(separator.source.replace(/^\^/, ''), 'iy');
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === "'") quoted = !quoted;
    else if (!quoted && ch === '(') depth += 1;
    else if (!quoted && ch === ')') depth -= 1;
    else if (!quoted && depth === 0) {
      sticky.lastIndex = i;
      const m = sticky.exec(text);
      if (m) {
        parts.push(text.slice(start, i));
        start = i + m[0].length;
        i = start - 1;
      }
    }
  }
  parts.push(text.slice(start));
  return parts.map((p) => p.trim()).filter((p) => p !== '');
}

// Oracle-style date formats: YYYY MM DD HH24 HH MI SS, quoted literals, other characters as themselves.
const FORMAT_TOKEN = /YYYY|MM|DD|HH24|HH|MI|SS|"[^"]*"|[\s\S]/g;

/** Parses a date string with an Oracle format (UTC). */
export function parseWithFormat(text: string, format: string): number | undefined {
  const parts: Record<string, number> = { YYYY: 1970, MM: 1, DD: 1, HH24: 0, HH: 0, MI: 0, SS: 0 };
  let rest = text;
  for (const token of format.toUpperCase().match(FORMAT_TOKEN) ?? []) {
    if (token in parts) {
      const m = /^\d{1,4}/.exec(rest);
      if (!m) return undefined;
      parts[token] = Number(m[0]);
      rest = rest.slice(m[0].length);
    } else {
      const literal = token.replace(/^"|"$/g, '');
      if (!rest.toUpperCase().startsWith(literal.toUpperCase())) return undefined;
      rest = rest.slice(literal.length);
    }
  }
  if (rest !== '') return undefined;
  const hours = (parts.HH24 ?? 0) || (parts.HH ?? 0);
  return Date.UTC(parts.YYYY ?? 1970, (parts.MM ?? 1) - 1, parts.DD ?? 1, hours, parts.MI ?? 0, parts.SS ?? 0);
}

/** Formats a time with an Oracle format (TO_CHAR), in UTC. */
export function formatWithFormat(ms: number, format: string): string {
  const d = new Date(ms);
  const pad = (n: number, w = 2): string => String(n).padStart(w, '0');
  const values: Record<string, string> = {
    YYYY: pad(d.getUTCFullYear(), 4),
    MM: pad(d.getUTCMonth() + 1),
    DD: pad(d.getUTCDate()),
    HH24: pad(d.getUTCHours()),
    HH: pad(d.getUTCHours() % 12 || 12),
    MI: pad(d.getUTCMinutes()),
    SS: pad(d.getUTCSeconds()),
  };
  return (format.match(FORMAT_TOKEN) ?? []).map((t) => values[t.toUpperCase()] ?? t.replace(/^"|"$/g, '')).join('');
}

const column = (text: string, alias: string | undefined): string => {
  const bare = text.trim().toLowerCase();
  const dot = bare.indexOf('.');
  if (dot > 0 && bare.slice(0, dot) === alias?.toLowerCase()) return bare.slice(dot + 1);
  if (!/^[a-z_][a-z0-9_]*$/.test(bare)) throw new SuiteQlError(`Invalid column reference ${text.trim()}`);
  return bare;
};

function selectItem(text: string, alias: string | undefined, n: number): SelectItem {
  const named = /^(.*?)\s+as\s+(\w+)$/is.exec(text);
  const expr = (named?.[1] ?? text).trim();
  const name = named?.[2]?.toLowerCase();
  if (expr === '*') return { column: '*', fn: 'none', name: '*' };
  const toChar = /^to_char\s*\(\s*([\w.]+)\s*,\s*'([^']*)'\s*\)$/i.exec(expr);
  if (toChar)
    return { column: column(toChar[1] ?? '', alias), fn: 'to_char', format: toChar[2], name: name ?? `expr${n}` };
  const df = /^builtin\.df\s*\(\s*([\w.]+)\s*\)$/i.exec(expr);
  if (df) return { column: column(df[1] ?? '', alias), fn: 'builtin.df', name: name ?? `expr${n}` };
  const col = column(expr, alias);
  return { column: col, fn: 'none', name: name ?? col };
}

function literal(text: string): Literal {
  const t = text.trim();
  if (/^-?\d+(\.\d+)?$/.test(t)) return { kind: 'number', value: Number(t) };
  const quoted = /^'((?:[^']|'')*)'$/.exec(t);
  if (quoted) return { kind: 'text', value: (quoted[1] ?? '').replaceAll("''", "'") };
  const date = /^to_(?:date|timestamp)\s*\(\s*'([^']*)'\s*,\s*'([^']*)'\s*\)$/i.exec(t);
  if (date) {
    const value = parseWithFormat(date[1] ?? '', date[2] ?? '');
    if (value === undefined) throw new SuiteQlError(`Invalid date ${date[1] ?? ''} for format ${date[2] ?? ''}`);
    return { kind: 'time', value };
  }
  throw new SuiteQlError(`Unsupported expression ${t}`);
}

function condition(text: string, alias: string | undefined): Condition {
  const isNull = /^([\w.]+)\s+is\s+(not\s+)?null$/i.exec(text);
  if (isNull) return { column: column(isNull[1] ?? '', alias), op: isNull[2] ? 'is not null' : 'is null', values: [] };
  const inList = /^([\w.]+)\s+in\s*\((.*)\)$/is.exec(text);
  if (inList)
    return { column: column(inList[1] ?? '', alias), op: 'in', values: splitTop(inList[2] ?? '', /^,/).map(literal) };
  const cmp = /^([\w.]+)\s*(<=|>=|<>|!=|=|<|>)\s*(.+)$/s.exec(text);
  if (!cmp) throw new SuiteQlError(`Unsupported condition ${text}`);
  const op = cmp[2] === '<>' ? '!=' : (cmp[2] as Condition['op']);
  return { column: column(cmp[1] ?? '', alias), op, values: [literal(cmp[3] ?? '')] };
}

/** Parses a query; throws SuiteQlError for anything outside the subset. */
export function parseSuiteQl(q: string): ParsedQuery {
  if (/\bjoin\b|\bunion\b|\bgroup\s+by\b|\bor\b/i.test(q.replace(/'[^']*'/g, "''")))
    throw new SuiteQlError('JOIN, UNION, GROUP BY and OR are not supported by the sandbox');
  const m = QUERY.exec(q);
  if (!m) throw new SuiteQlError('Invalid search query');
  const alias = m[3];
  const select = splitTop(m[1] ?? '', /^,/).map((item, n) => selectItem(item, alias, n + 1));
  const where = m[4] ? splitTop(m[4], /^\s+and\s+/i).map((c) => condition(c, alias)) : [];
  const orderBy = m[5]
    ? splitTop(m[5], /^,/).map((o) => {
        const part = /^([\w.]+)(?:\s+(asc|desc))?$/i.exec(o);
        if (!part) throw new SuiteQlError(`Unsupported ORDER BY ${o}`);
        return { column: column(part[1] ?? '', alias), descending: (part[2] ?? '').toLowerCase() === 'desc' };
      })
    : [];
  return { table: (m[2] ?? '').toLowerCase(), select, where, orderBy };
}
