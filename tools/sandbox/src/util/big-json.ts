const MARK = '@@sandbox-bigint:';
const MARK_PATTERN = /"@@sandbox-bigint:(-?\d+)"/g;

/**
 * JSON.stringify that renders bigint values as raw JSON integer digits (as Shopify does for 64-bit ids),
 * so a client that parses with plain JSON.parse loses precision exactly like it would against Shopify.
 */
export function stringifyWithBigInts(value: unknown): string {
  const text = JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? `${MARK}${v.toString()}` : v));
  return text.replace(MARK_PATTERN, '$1');
}
