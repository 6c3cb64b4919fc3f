import { normalizeGtin, normalizeSku } from './product-key.js';

describe('normalizeGtin', () => {
  it.each([
    ['4006381333931', '04006381333931'], // EAN-13
    ['036000291452', '00036000291452'], // UPC-A
    ['96385074', '00000096385074'], // GTIN-8
    ['10614141000415', '10614141000415'], // GTIN-14
    ['400-6381 333931', '04006381333931'], // separators dropped
    ['0036000291452', '00036000291452'], // the same UPC-A written as EAN-13
  ])('normalizes %s to %s', (input, expected) => {
    expect(normalizeGtin(input)).toBe(expected);
  });

  it.each([
    ['4006381333932', 'a wrong check digit'],
    ['40063813339', 'eleven digits'],
    ['400638133393A', 'a letter'],
    ['00000000', 'all zeros'],
    ['', 'empty'],
  ])('refuses %s (%s)', (input) => {
    expect(normalizeGtin(input)).toBeNull();
  });

  it('refuses what is not text', () => {
    expect(normalizeGtin(null)).toBeNull();
    expect(normalizeGtin({ gtin: '4006381333931' })).toBeNull();
  });
});

describe('normalizeSku', () => {
  it('trims, collapses spaces and upper-cases', () => {
    expect(normalizeSku('  sku-000001-1 ')).toBe('SKU-000001-1');
    expect(normalizeSku('Blue  Shirt\tM')).toBe('BLUE SHIRT M');
    expect(normalizeSku('ＳＫＵ１')).toBe('SKU1');
  });

  it('has no SKU for blanks and non-text', () => {
    expect(normalizeSku('   ')).toBeNull();
    expect(normalizeSku(undefined)).toBeNull();
    expect(normalizeSku(42)).toBe('42');
  });
});
