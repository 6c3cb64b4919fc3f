import { createHmac } from 'node:crypto';

/** RFC 3986 percent-encoding as RFC 5849 §3.6 requires (unreserved characters stay, everything else %XX). */
export function rfc3986(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** Parses `Authorization: OAuth realm="x", oauth_...="..."`; undefined when it is not an OAuth header. */
export function parseOAuthHeader(header: string | undefined): Map<string, string> | undefined {
  if (!header || !/^OAuth\s+/i.test(header)) return undefined;
  const params = new Map<string, string>();
  const pattern = /([A-Za-z0-9_.-]+)\s*=\s*"([^"]*)"/g;
  for (const match of header.replace(/^OAuth\s+/i, '').matchAll(pattern)) {
    try {
      params.set(match[1] ?? '', decodeURIComponent(match[2] ?? ''));
    } catch {
      return undefined;
    }
  }
  return params;
}

/**
 * Signature base string (RFC 5849 §3.4.1): METHOD & enc(base URL) & enc(sorted, encoded params).
 * Params are the oauth_* protocol params (without realm and oauth_signature) plus the query params.
 */
export function signatureBaseString(
  method: string,
  baseUrl: string,
  params: readonly (readonly [string, string])[],
): string {
  const normalized = params
    .map(([k, v]) => [rfc3986(k), rfc3986(v)] as const)
    .sort(([ak, av], [bk, bv]) => (ak < bk ? -1 : ak > bk ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  return `${method.toUpperCase()}&${rfc3986(baseUrl)}&${rfc3986(normalized)}`;
}

/** base64 HMAC-SHA256 with key `enc(consumerSecret)&enc(tokenSecret)`. */
export function hmacSha256Signature(baseString: string, consumerSecret: string, tokenSecret: string): string {
  return createHmac('sha256', `${rfc3986(consumerSecret)}&${rfc3986(tokenSecret)}`)
    .update(baseString)
    .digest('base64');
}

/** The protocol params that are signed (all oauth_* except the signature; realm excluded). */
export function signedOAuthParams(header: Map<string, string>): [string, string][] {
  return [...header.entries()].filter(([k]) => k.startsWith('oauth_') && k !== 'oauth_signature');
}
