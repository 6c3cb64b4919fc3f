import { ProviderError } from '../providers.errors.js';

/**
 * ISO 4217 minor-unit exponents for the currencies retail tenants use. Unknown codes are refused rather than
 * guessed. ISK, TWD and HUF follow ISO (0, 2, 2) even where card networks differ.
 */
export const CURRENCY_EXPONENTS: Readonly<Record<string, number>> = {
  USD: 2,
  EUR: 2,
  GBP: 2,
  CAD: 2,
  AUD: 2,
  NZD: 2,
  CHF: 2,
  SEK: 2,
  NOK: 2,
  DKK: 2,
  PLN: 2,
  CZK: 2,
  HUF: 2,
  RON: 2,
  BGN: 2,
  TRY: 2,
  ILS: 2,
  AED: 2,
  SAR: 2,
  QAR: 2,
  ZAR: 2,
  MXN: 2,
  BRL: 2,
  ARS: 2,
  COP: 2,
  PEN: 2,
  INR: 2,
  CNY: 2,
  HKD: 2,
  SGD: 2,
  TWD: 2,
  THB: 2,
  MYR: 2,
  PHP: 2,
  IDR: 2,
  EGP: 2,
  NGN: 2,
  KES: 2,
  MAD: 2,
  JPY: 0,
  KRW: 0,
  VND: 0,
  CLP: 0,
  ISK: 0,
  PYG: 0,
  UGX: 0,
  RWF: 0,
  XAF: 0,
  XOF: 0,
  XPF: 0,
  KMF: 0,
  GNF: 0,
  DJF: 0,
  BIF: 0,
  VUV: 0,
  BHD: 3,
  KWD: 3,
  OMR: 3,
  JOD: 3,
  TND: 3,
  IQD: 3,
  LYD: 3,
  CLF: 4,
  UYW: 4,
};

// A Map lookup of the code as sent: the usual case (already upper case), several times per synced order.
const EXPONENT_BY_CODE: ReadonlyMap<string, number> = new Map(Object.entries(CURRENCY_EXPONENTS));

/** The minor-unit exponent of an ISO 4217 code; throws `UNKNOWN_CURRENCY` for codes not in the table. */
export function currencyExponent(currency: string): number {
  const exponent =
    EXPONENT_BY_CODE.get(currency) ?? EXPONENT_BY_CODE.get(typeof currency === 'string' ? currency.toUpperCase() : '');
  if (exponent === undefined) {
    const code = typeof currency === 'string' ? currency.toUpperCase() : '';
    throw new ProviderError(
      'UNKNOWN_CURRENCY',
      `currency ${/^[A-Za-z]{3}$/.test(code) ? code : '<invalid>'} is not supported`,
    );
  }
  return exponent;
}
