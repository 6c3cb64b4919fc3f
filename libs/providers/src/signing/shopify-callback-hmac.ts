import { createHmac } from 'node:crypto';
import { timingSafeEqualBuffers } from '@shelflink/crypto';

const HEX_SHA256 = /^[0-9a-fA-F]{64}$/;
const EXCLUDED = new Set(['hmac', 'signature']);

/** The OAuth callback query as a raw string, URLSearchParams or a parsed record. */
export type CallbackQuery = string | URLSearchParams | Readonly<Record<string, string | readonly string[] | undefined>>;

/**
 * Verifies Shopify's OAuth callback `hmac`: hex HMAC-SHA256 with the app secret over the other parameters (minus
 * `hmac` and `signature`) sorted by key as `key=value` joined by `&`, compared in constant time. A raw query string
 * is also checked in its received encoding (PROVIDERS.md §2.1: safest); parsed input is re-encoded as the Shopify
 * SDK does (URLSearchParams form with `%20` for spaces). Never throws; false for a missing or repeated `hmac`.
 */
export function verifyShopifyCallbackHmac(query: CallbackQuery, secret: string): boolean {
  if (typeof secret !== 'string' || secret === '') return false;
  const pairs = toPairs(query);
  if (!pairs) return false;
  const hmacs = pairs.filter(([key]) => key === 'hmac');
  const provided = hmacs[0]?.[1];
  if (hmacs.length !== 1 || provided === undefined || !HEX_SHA256.test(provided)) return false;
  const expected = Buffer.from(provided, 'hex');
  const candidates = [encodeSdkStyle(pairs)];
  if (typeof query === 'string') candidates.push(rawSegments(query));
  let valid = false;
  for (const message of candidates) {
    if (timingSafeEqualBuffers(createHmac('sha256', secret).update(message, 'utf8').digest(), expected)) valid = true;
  }
  return valid;
}

/** The message Shopify signs, from parsed pairs (exported for tests and the sandbox's mirror image). */
export function shopifyCallbackMessage(query: CallbackQuery): string {
  return encodeSdkStyle(toPairs(query) ?? []);
}

function toPairs(query: CallbackQuery): [string, string][] | undefined {
  if (typeof query === 'string') return [...new URLSearchParams(query.startsWith('?') ? query.slice(1) : query)];
  if (query instanceof URLSearchParams) return [...query];
  if (typeof query !== 'object' || query === null) return undefined;
  const pairs: [string, string][] = [];
  for (const [key, value] of Object.entries(query)) {
    if (typeof value === 'string') pairs.push([key, value]);
    else if (Array.isArray(value)) for (const v of value) if (typeof v === 'string') pairs.push([key, v]);
  }
  return pairs;
}

function encodeSdkStyle(pairs: readonly [string, string][]): string {
  const kept = pairs.filter(([key]) => !EXCLUDED.has(key)).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return new URLSearchParams(kept).toString().replace(/\+/g, '%20');
}

function rawSegments(query: string): string {
  const text = query.startsWith('?') ? query.slice(1) : query;
  const segments = text.split('&').filter((s) => s !== '');
  const keyOf = (segment: string): string => segment.split('=')[0] ?? '';
  return segments
    .filter((s) => !EXCLUDED.has(keyOf(s)))
    .sort((a, b) => (keyOf(a) < keyOf(b) ? -1 : keyOf(a) > keyOf(b) ? 1 : 0))
    .join('&');
}
