import { createHmac } from 'node:crypto';

/** A request parameter as a name/value pair (names may repeat). */
export type OAuthParam = readonly [name: string, value: string];

/** RFC 3986 / RFC 5849 §3.6 percent-encoding: everything but `A-Z a-z 0-9 - . _ ~`, UTF-8, upper-case hex. */
export function percentEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/**
 * Decodes an `application/x-www-form-urlencoded` string (a query or form body) into pairs, `+` as space, as
 * RFC 5849 §3.4.1.3.1 requires. Malformed escapes are kept literally rather than thrown.
 */
export function decodeFormPairs(text: string): OAuthParam[] {
  if (text === '') return [];
  return text
    .split('&')
    .filter((part) => part !== '')
    .map((part) => {
      const eq = part.indexOf('=');
      const name = eq === -1 ? part : part.slice(0, eq);
      const value = eq === -1 ? '' : part.slice(eq + 1);
      return [safeDecode(name), safeDecode(value)] as const;
    });
}

/** RFC 5849 §3.4.1.2 base string URI: scheme and host lower-cased, default port dropped, no query or fragment. */
export function baseStringUri(url: URL): string {
  return `${url.protocol.toLowerCase()}//${url.host.toLowerCase()}${url.pathname}`;
}

/** RFC 5849 §3.4.1.3.2: encode names and values, sort by name then value, join `name=value` with `&`. */
export function normalizeParameters(params: readonly OAuthParam[]): string {
  return params
    .map(([name, value]) => [percentEncode(name), percentEncode(value)] as const)
    .sort(([an, av], [bn, bv]) => compare(an, bn) || compare(av, bv))
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
}

/**
 * RFC 5849 §3.4.1 signature base string from the method, the URL (its query parameters are included) and the
 * other parameters (the `oauth_*` set and any form-body pairs). `realm` and `oauth_signature` must not be passed.
 */
export function signatureBaseString(method: string, url: string | URL, params: readonly OAuthParam[]): string {
  const parsed = typeof url === 'string' ? new URL(url) : url;
  const query = decodeFormPairs(parsed.search.startsWith('?') ? parsed.search.slice(1) : parsed.search);
  const all = [...query, ...params];
  return [method.toUpperCase(), percentEncode(baseStringUri(parsed)), percentEncode(normalizeParameters(all))].join(
    '&',
  );
}

/** RFC 5849 §3.4.2 HMAC signature (base64) with key `enc(consumerSecret)&enc(tokenSecret)`. */
export function hmacSignature(
  algorithm: 'sha1' | 'sha256',
  baseString: string,
  consumerSecret: string,
  tokenSecret: string,
): string {
  const key = `${percentEncode(consumerSecret)}&${percentEncode(tokenSecret)}`;
  return createHmac(algorithm, key).update(baseString, 'utf8').digest('base64');
}

function compare(a: string, b: string): number {
  // Byte order of the encoded ASCII strings, as the RFC requires (not locale order).
  return a < b ? -1 : a > b ? 1 : 0;
}

function safeDecode(text: string): string {
  const spaced = text.replace(/\+/g, ' ');
  try {
    return decodeURIComponent(spaced);
  } catch {
    return spaced;
  }
}
