/** Options of {@link parseJsonPreservingBigInts}. */
export interface BigIntJsonOptions {
  /**
   * Also turn integers under these object keys into strings, even when small, so an id field has one type
   * (for example `(key) => key === 'id' || key.endsWith('_id')`). Default: only unsafe integers become strings.
   */
  readonly stringifyKey?: (key: string) => boolean;
}

const WHITESPACE = new Set([' ', '\t', '\n', '\r']);
const SIXTEEN_DIGITS = /[0-9]{16}/;

/**
 * `JSON.parse` that keeps every digit of integers beyond `Number.MAX_SAFE_INTEGER` (Shopify's 64-bit ids) by
 * quoting such literals before parsing. A small scanner walks the text, skipping string contents and escapes,
 * so digits inside strings are never touched; invalid JSON still throws `SyntaxError` from `JSON.parse`.
 */
export function parseJsonPreservingBigInts(text: string, options: BigIntJsonOptions = {}): unknown {
  // Every integer of 15 digits or fewer is safe: without a run of 16 digits anywhere, nothing needs quoting.
  if (options.stringifyKey === undefined && !SIXTEEN_DIGITS.test(text)) return JSON.parse(text);
  return JSON.parse(quoteLargeIntegers(text, options));
}

/** The pre-pass of {@link parseJsonPreservingBigInts}: the same JSON text with large integer literals quoted. */
export function quoteLargeIntegers(text: string, options: BigIntJsonOptions = {}): string {
  let out = '';
  let i = 0;
  let lastString = '';
  let pendingKey: string | undefined;
  while (i < text.length) {
    const c = text[i] ?? '';
    if (c === '"') {
      const end = stringEnd(text, i);
      lastString = text.slice(i, end);
      out += lastString;
      i = end;
      continue;
    }
    if (c === ':') pendingKey = decodeKey(lastString);
    if (c === '-' || (c >= '0' && c <= '9')) {
      const end = numberEnd(text, i);
      const literal = text.slice(i, end);
      out += shouldQuote(literal, pendingKey, options) ? `"${literal}"` : literal;
      pendingKey = undefined;
      i = end;
      continue;
    }
    if (!WHITESPACE.has(c) && c !== ':') pendingKey = undefined;
    out += c;
    i += 1;
  }
  return out;
}

function shouldQuote(literal: string, key: string | undefined, options: BigIntJsonOptions): boolean {
  // Only valid JSON integers: leading zeros, fractions and exponents stay as they are.
  if (!/^-?(?:0|[1-9][0-9]*)$/.test(literal)) return false;
  if (key !== undefined && options.stringifyKey?.(key) === true) return true;
  return !Number.isSafeInteger(Number(literal));
}

function stringEnd(text: string, start: number): number {
  let i = start + 1;
  while (i < text.length) {
    const c = text[i];
    if (c === '\\') i += 2;
    else if (c === '"') return i + 1;
    else i += 1;
  }
  return text.length;
}

function numberEnd(text: string, start: number): number {
  let i = start + 1;
  while (i < text.length && /[0-9eE.+-]/.test(text[i] ?? '')) i += 1;
  return i;
}

function decodeKey(quoted: string): string | undefined {
  if (!quoted.includes('\\')) return quoted.slice(1, -1);
  try {
    const key: unknown = JSON.parse(quoted);
    return typeof key === 'string' ? key : undefined;
  } catch {
    return undefined;
  }
}
