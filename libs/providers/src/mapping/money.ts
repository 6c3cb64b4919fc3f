import { ProviderError } from '../providers.errors.js';
import { CURRENCY_EXPONENTS, currencyExponent } from './currency.js';

/** Canonical money: integer minor units as a decimal string (safe beyond 2^53) plus the ISO 4217 code. */
export interface CanonicalMoney {
  readonly amountMinor: string;
  readonly currency: string;
}

const INTEGER = /^-?[0-9]+$/;
const DECIMAL = /^(-?)([0-9]+)(?:\.([0-9]+))?$/;
const MAX_DIGITS = 30;

/**
 * Square `Money {amount, currency}`: `amount` is already in minor units (number, bigint or integer string).
 * Throws `INVALID_AMOUNT` for fractions or numbers beyond 2^53 (those lost digits before they reached us).
 */
export function squareMoneyToCanonical(money: { amount: number | bigint | string; currency: string }): CanonicalMoney {
  const currency = normalizeCurrency(money.currency);
  const { amount } = money;
  if (typeof amount === 'number') {
    if (!Number.isSafeInteger(amount)) throw invalid('amount is not a safe integer');
    // A safe integer prints canonically (no leading zeros, no "-0"): the usual case, ~7 times per synced order.
    return { amountMinor: String(amount), currency };
  }
  const text = typeof amount === 'string' ? amount.trim() : amount.toString();
  if (!INTEGER.test(text) || text.length > MAX_DIGITS) throw invalid('amount is not an integer');
  return { amountMinor: canonicalInteger(text), currency };
}

/**
 * Exact decimal string (`"19.99"`, `"1000"`, `"0.5"`) → minor units for the currency's exponent, with no floating
 * point. Extra fractional digits are allowed only when they are zeros (`"19.990"`); anything else throws.
 */
export function decimalToMinorUnits(amount: string, currency: string): CanonicalMoney {
  const code = normalizeCurrency(currency);
  const exponent = currencyExponent(code);
  const match = typeof amount === 'string' ? DECIMAL.exec(amount.trim()) : null;
  if (!match || amount.length > MAX_DIGITS + 2) throw invalid('amount is not a plain decimal string');
  const [, sign = '', whole = '', fraction = ''] = match;
  if (/[1-9]/.test(fraction.slice(exponent))) throw invalid(`amount has more than ${exponent} decimal places`);
  const minor = whole + fraction.slice(0, exponent).padEnd(exponent, '0');
  return { amountMinor: canonicalInteger(sign + minor), currency: code };
}

/** Shopify money (`{amount: "19.99", currency_code: "USD"}` or `MoneyV2 {amount, currencyCode}`). */
export function shopifyMoneyToCanonical(money: {
  amount: string;
  currency_code?: string;
  currencyCode?: string;
}): CanonicalMoney {
  return decimalToMinorUnits(money.amount, money.currency_code ?? money.currencyCode ?? '');
}

/** Minor units → exact decimal string with exactly the currency's number of decimals (`1999`, USD → `"19.99"`). */
export function minorUnitsToDecimal(money: CanonicalMoney): string {
  const exponent = currencyExponent(money.currency);
  if (!INTEGER.test(money.amountMinor)) throw invalid('amountMinor is not an integer');
  const negative = money.amountMinor.startsWith('-');
  const digits = canonicalInteger(money.amountMinor)
    .replace('-', '')
    .padStart(exponent + 1, '0');
  const whole = digits.slice(0, digits.length - exponent);
  const fraction = digits.slice(digits.length - exponent);
  const text = exponent === 0 ? whole : `${whole}.${fraction}`;
  return negative && /[1-9]/.test(digits) ? `-${text}` : text;
}

function canonicalInteger(text: string): string {
  const negative = text.startsWith('-');
  const digits = (negative ? text.slice(1) : text).replace(/^0+(?=[0-9])/, '');
  return negative && digits !== '0' ? `-${digits}` : digits;
}

function normalizeCurrency(currency: string): string {
  // Providers send codes as ISO spells them: one lookup then, instead of trim, upper-casing and a second lookup.
  if (typeof currency === 'string' && Object.hasOwn(CURRENCY_EXPONENTS, currency)) return currency;
  const code = typeof currency === 'string' ? currency.trim().toUpperCase() : '';
  currencyExponent(code);
  return code;
}

function invalid(reason: string): ProviderError {
  return new ProviderError('INVALID_AMOUNT', `money: ${reason}`);
}
