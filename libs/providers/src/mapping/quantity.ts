import { ProviderError } from '../providers.errors.js';

const DECIMAL = /^([+-]?)([0-9]+)(?:\.([0-9]*))?$|^([+-]?)\.([0-9]+)$/;
const EXPONENT = /^([+-]?)([0-9]+)(?:\.([0-9]*))?[eE]([+-]?[0-9]+)$/;
const MAX_LENGTH = 64;
// Already canonical: a whole number without leading zeros, as providers send most quantities.
const CANONICAL_WHOLE = /^(?:0|-?[1-9][0-9]{0,62})$/;

/**
 * Canonical decimal string for a quantity, kept exact: no leading zeros, no trailing fractional zeros, no `-0`
 * (`"2.50"` → `"2.5"`, `"007"` → `"7"`). Numbers (NetSuite, Shopify integers) go through their shortest
 * round-trip form, so `0.1` stays `"0.1"`. Throws `INVALID_AMOUNT` for anything that is not a finite decimal.
 */
export function canonicalQuantity(value: string | number): string {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw invalid();
    return canonicalQuantity(expandExponent(String(value)));
  }
  if (typeof value === 'string' && CANONICAL_WHOLE.test(value)) return value;
  const text = typeof value === 'string' ? value.trim() : '';
  const match = text.length <= MAX_LENGTH ? DECIMAL.exec(text) : null;
  if (!match) throw invalid();
  const sign = match[1] ?? match[4] ?? '';
  const whole = (match[2] ?? '0').replace(/^0+(?=[0-9])/, '');
  const fraction = (match[3] ?? match[5] ?? '').replace(/0+$/, '');
  const body = fraction === '' ? whole : `${whole}.${fraction}`;
  return sign === '-' && /[1-9]/.test(body) ? `-${body}` : body;
}

function expandExponent(text: string): string {
  const match = EXPONENT.exec(text);
  if (!match) return text;
  const [, sign = '', whole = '', fraction = '', exp = '0'] = match;
  const digits = whole + fraction;
  const point = whole.length + Number(exp);
  if (point <= 0) return `${sign}0.${'0'.repeat(-point)}${digits}`;
  if (point >= digits.length) return sign + digits + '0'.repeat(point - digits.length);
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
}

function invalid(): ProviderError {
  return new ProviderError('INVALID_AMOUNT', 'quantity is not a finite decimal');
}
