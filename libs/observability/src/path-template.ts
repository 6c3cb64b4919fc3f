const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const NUMBER = /^\d+$/;
/** Resource names (`orders`, `salesOrder`, `oauth2`) and versions (`v2`, `2024-10`) stay; anything else is a value. */
const WORD = /^[A-Za-z][A-Za-z_-]{0,31}\d{0,2}$/;
/** An upper-case run this long is an id (`ABCDEFGHJK`), not a route word. */
const UPPER_ID = /^[A-Z0-9_-]{8,}$/;
const VERSION = /^(v\d{1,3}(\.\d{1,3})?|\d{4}-\d{2}(-\d{2})?)$/i;
const QUERY_KEY = /^[A-Za-z0-9_.[\]-]{1,40}$/;

/**
 * The path of a provider URL with every value taken out, for the call log: ids, numbers, uuids, emails and anything
 * token-like become `{id}`, `{n}`, `{uuid}`, `{email}`; the query keeps its keys only (`?cursor&limit`). What remains
 * is the provider's route, so the log groups by it and never holds a secret a URL may carry.
 */
export function pathTemplate(pathAndQuery: string): string {
  const [rawPath = '', rawQuery] = splitOnce(pathAndQuery.split('#', 1)[0] ?? '', '?');
  const path = rawPath.split('/').map(segmentTemplate).join('/');
  if (rawQuery === undefined || rawQuery === '') return path;
  const keys = [...new Set(rawQuery.split('&').map((pair) => queryKeyTemplate(splitOnce(pair, '=')[0] ?? '')))];
  return `${path}?${keys.filter((key) => key !== '').join('&')}`;
}

/** Host and templated path of an absolute URL; `{invalid}` when it does not parse. */
export function urlTemplate(url: string): { host: string; path: string } {
  try {
    const parsed = new URL(url);
    return { host: parsed.host, path: pathTemplate(`${parsed.pathname}${parsed.search}`) };
  } catch {
    return { host: '', path: '{invalid}' };
  }
}

function segmentTemplate(raw: string): string {
  if (raw === '') return raw;
  let segment: string;
  try {
    segment = decodeURIComponent(raw);
  } catch {
    return '{id}';
  }
  // Shopify's `orders/450789469.json`: the extension is part of the route.
  const dot = segment.lastIndexOf('.');
  const ext = dot > 0 && /^\.(json|xml)$/.test(segment.slice(dot)) ? segment.slice(dot) : '';
  const base = ext === '' ? segment : segment.slice(0, dot);
  return `${valueTemplate(base)}${ext}`;
}

function valueTemplate(value: string): string {
  if (NUMBER.test(value)) return '{n}';
  if (UUID.test(value)) return '{uuid}';
  if (value.includes('@')) return '{email}';
  if ((WORD.test(value) && !UPPER_ID.test(value)) || VERSION.test(value)) return value;
  return '{id}';
}

function queryKeyTemplate(raw: string): string {
  let key: string;
  try {
    key = decodeURIComponent(raw.replace(/\+/g, ' '));
  } catch {
    return '{key}';
  }
  return QUERY_KEY.test(key) && !/\d{4,}/.test(key) ? key : '{key}';
}

function splitOnce(value: string, separator: string): [string, string | undefined] {
  const at = value.indexOf(separator);
  return at === -1 ? [value, undefined] : [value.slice(0, at), value.slice(at + 1)];
}
