/** GTIN lengths that are zero-padded to GTIN-14: GTIN-8, UPC-A (12), EAN-13, GTIN-14. */
const GTIN_LENGTHS: ReadonlySet<number> = new Set([8, 12, 13, 14]);

/** A SKU as linking compares it: Unicode-normalized, trimmed, inner spaces collapsed, upper case; null when empty. */
export function normalizeSku(value: unknown): string | null {
  if (typeof value !== 'string' && typeof value !== 'number') return null;
  const sku = String(value).normalize('NFKC').trim().replace(/\s+/g, ' ').toUpperCase();
  return sku === '' ? null : sku;
}

/**
 * A GTIN as linking compares it: digits only (spaces and dashes dropped), GTIN-8/12/13/14 zero-padded to 14, with a
 * valid check digit; null for anything else (a wrong length, letters, a bad check digit, all zeros).
 */
export function normalizeGtin(value: unknown): string | null {
  if (typeof value !== 'string' && typeof value !== 'number') return null;
  const digits = String(value).replace(/[\s-]/g, '');
  if (!/^\d+$/.test(digits) || !GTIN_LENGTHS.has(digits.length)) return null;
  const gtin = digits.padStart(14, '0');
  if (/^0+$/.test(gtin)) return null;
  return checkDigit(gtin.slice(0, 13)) === Number(gtin[13]) ? gtin : null;
}

// GS1 mod-10: from the right of the body, weights 3, 1, 3, …
function checkDigit(body: string): number {
  let sum = 0;
  for (let i = 0; i < body.length; i++) sum += Number(body[i]) * ((body.length - i) % 2 === 1 ? 3 : 1);
  return (10 - (sum % 10)) % 10;
}
