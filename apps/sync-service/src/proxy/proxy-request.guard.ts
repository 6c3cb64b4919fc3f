import { BusError, proxyForwardedHeaders } from '@shelflink/contracts';

// Control characters (CR, LF, NUL, ...) and whitespace: never in a path, a query or a header value we forward.
const CONTROL = /[\u0000-\u001f\u007f]/;
const CONTROL_OR_SPACE = /[\u0000-\u0020\u007f]/;
// Encoded dot, slash and backslash make traversal that decoding layers downstream may undo; encoded controls too.
const ENCODED_PATH_TRICKS = /%(2e|2f|5c|00|0a|0d)/i;
const ENCODED_CONTROLS = /%(00|0a|0d)/i;

const FORWARDED_HEADERS = new Set<string>(proxyForwardedHeaders);

/** Response headers never passed back: hop-by-hop (RFC 9110 §7.6.1), framing this side redoes, and auth/cookies. */
const WITHHELD_RESPONSE_HEADERS = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'content-length',
  'content-encoding',
  'authorization',
  'www-authenticate',
  'set-cookie',
  'cookie',
  'x-shopify-access-token',
]);

const invalidPath = (message: string): BusError => new BusError('INVALID_REQUEST', message, 'INVALID_PATH');

/**
 * The path (with its query) a caller asked for, if it stays under the API base: relative, no traversal, no host
 * switch, no control characters. Refused with INVALID_PATH before anything is sent.
 */
export function checkProxyPath(path: string): string {
  if (!path.startsWith('/') || path.startsWith('//'))
    throw invalidPath('The path must be relative to the API base and start with one /');
  if (CONTROL_OR_SPACE.test(path) || path.includes('\\'))
    throw invalidPath('The path holds a control character, a space or a backslash');
  if (path.includes('#')) throw invalidPath('The path may not hold a fragment');
  const queryAt = path.indexOf('?');
  const pathname = queryAt === -1 ? path : path.slice(0, queryAt);
  if (ENCODED_PATH_TRICKS.test(pathname))
    throw invalidPath('The path holds an encoded dot, slash, backslash or control character');
  if (ENCODED_CONTROLS.test(path)) throw invalidPath('The query holds an encoded control character');
  if (pathname.split('/').some((segment) => segment === '.' || segment === '..'))
    throw invalidPath('The path may not hold . or .. segments');
  return path;
}

/** The URL of `path` under `baseUrl`, checked once more after the URL parser had its say. */
export function urlUnderBase(baseUrl: string, path: string): string {
  const base = new URL(baseUrl);
  const url = new URL(`${baseUrl}${path}`);
  const basePath = base.pathname.replace(/\/$/, '');
  if (url.origin !== base.origin || !url.pathname.startsWith(`${basePath}/`))
    throw invalidPath('The path leaves the API base');
  return url.href;
}

/** The caller's allow-listed headers, lower-cased; a control character in any value is INVALID_HEADER. */
export function forwardedHeaders(headers: Readonly<Record<string, string>> | undefined): Record<string, string> {
  const forwarded: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (CONTROL.test(name) || CONTROL.test(value))
      throw new BusError(
        'INVALID_REQUEST',
        `Header ${JSON.stringify(name.slice(0, 64))} holds a control character`,
        'INVALID_HEADER',
      );
    const lower = name.toLowerCase();
    if (FORWARDED_HEADERS.has(lower)) forwarded[lower] = value;
  }
  return forwarded;
}

/** The provider's response headers a caller sees (lower-cased; repeated ones joined as fetch joins them). */
export function returnedHeaders(headers: Headers): Record<string, string> {
  const named = new Set((headers.get('connection') ?? '').split(',').map((token) => token.trim().toLowerCase()));
  const returned: Record<string, string> = {};
  for (const [name, value] of headers) {
    if (!WITHHELD_RESPONSE_HEADERS.has(name) && !named.has(name)) returned[name] = value;
  }
  return returned;
}
