import fc from 'fast-check';
import { ProviderError } from '../providers.errors.js';
import { CURRENCY_EXPONENTS, currencyExponent } from './currency.js';
import { decimalToMinorUnits, minorUnitsToDecimal, shopifyMoneyToCanonical, squareMoneyToCanonical } from './money.js';
import { canonicalQuantity } from './quantity.js';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
    return undefined;
  } catch (error) {
    return error instanceof ProviderError ? error.code : 'other';
  }
}

describe('currency exponents', () => {
  it('follows ISO 4217 for the usual suspects', () => {
    expect([
      currencyExponent('USD'),
      currencyExponent('jpy'),
      currencyExponent('KRW'),
      currencyExponent('BHD'),
      currencyExponent('KWD'),
    ]).toEqual([2, 0, 0, 3, 3]);
    expect(codeOf(() => currencyExponent('XXX'))).toBe('UNKNOWN_CURRENCY');
    expect(codeOf(() => currencyExponent('__proto__'))).toBe('UNKNOWN_CURRENCY');
  });
});

describe('Square money', () => {
  it('keeps integer minor units and the currency', () => {
    expect(squareMoneyToCanonical({ amount: 2500, currency: 'USD' })).toEqual({ amountMinor: '2500', currency: 'USD' });
    expect(squareMoneyToCanonical({ amount: 500, currency: 'JPY' })).toEqual({ amountMinor: '500', currency: 'JPY' });
    expect(squareMoneyToCanonical({ amount: -550, currency: 'usd' })).toEqual({ amountMinor: '-550', currency: 'USD' });
    expect(squareMoneyToCanonical({ amount: 1, currency: ' eur ' })).toEqual({ amountMinor: '1', currency: 'EUR' });
    expect(squareMoneyToCanonical({ amount: 9007199254740993n, currency: 'USD' }).amountMinor).toBe('9007199254740993');
    expect(squareMoneyToCanonical({ amount: '-0', currency: 'USD' }).amountMinor).toBe('0');
    expect(squareMoneyToCanonical({ amount: -0, currency: 'USD' }).amountMinor).toBe('0');
  });

  it('refuses fractions, unsafe numbers and unknown currencies', () => {
    expect(codeOf(() => squareMoneyToCanonical({ amount: 1.5, currency: 'USD' }))).toBe('INVALID_AMOUNT');
    expect(codeOf(() => squareMoneyToCanonical({ amount: 2 ** 53 + 2, currency: 'USD' }))).toBe('INVALID_AMOUNT');
    expect(codeOf(() => squareMoneyToCanonical({ amount: Number.NaN, currency: 'USD' }))).toBe('INVALID_AMOUNT');
    expect(codeOf(() => squareMoneyToCanonical({ amount: '1e3', currency: 'USD' }))).toBe('INVALID_AMOUNT');
    expect(codeOf(() => squareMoneyToCanonical({ amount: 1, currency: 'ZZZ' }))).toBe('UNKNOWN_CURRENCY');
  });
});

describe('Shopify decimal money', () => {
  it.each([
    ['19.99', 'USD', '1999'],
    ['1000', 'USD', '100000'],
    ['0.5', 'USD', '50'],
    ['0.1', 'USD', '10'],
    ['19.990', 'USD', '1999'],
    ['1000', 'JPY', '1000'],
    ['1.234', 'BHD', '1234'],
    ['-3.10', 'EUR', '-310'],
    ['00.07', 'GBP', '7'],
    ['92233720368547758.07', 'USD', '9223372036854775807'],
  ])('%s %s → %s minor units', (amount, currency, minor) => {
    expect(decimalToMinorUnits(amount, currency)).toEqual({ amountMinor: minor, currency });
  });

  it('reads shop money and MoneyV2 shapes', () => {
    expect(shopifyMoneyToCanonical({ amount: '421.88', currency_code: 'USD' })).toEqual({
      amountMinor: '42188',
      currency: 'USD',
    });
    expect(shopifyMoneyToCanonical({ amount: '5', currencyCode: 'KRW' })).toEqual({
      amountMinor: '5',
      currency: 'KRW',
    });
  });

  it.each([
    ['19.999', 'USD'],
    ['19.5', 'JPY'],
    ['1e3', 'USD'],
    ['', 'USD'],
    [' ', 'USD'],
    ['1,000.00', 'USD'],
    ['.5', 'USD'],
    ['NaN', 'USD'],
    ['+1', 'USD'],
  ])('refuses %j in %s', (amount, currency) => {
    expect(codeOf(() => decimalToMinorUnits(amount, currency))).toBe('INVALID_AMOUNT');
  });

  it('round-trips minor units → decimal string → minor units for every known currency', () => {
    const currency = fc.constantFrom(...Object.keys(CURRENCY_EXPONENTS));
    const minor = fc.bigInt({ min: -(10n ** 20n), max: 10n ** 20n }).map(String);
    fc.assert(
      fc.property(minor, currency, (amountMinor, code) => {
        const decimal = minorUnitsToDecimal({ amountMinor, currency: code });
        expect(decimalToMinorUnits(decimal, code)).toEqual({ amountMinor, currency: code });
      }),
      { numRuns: 1000 },
    );
  });

  it('formats with exactly the currency exponent', () => {
    expect(minorUnitsToDecimal({ amountMinor: '5', currency: 'USD' })).toBe('0.05');
    expect(minorUnitsToDecimal({ amountMinor: '-5', currency: 'USD' })).toBe('-0.05');
    expect(minorUnitsToDecimal({ amountMinor: '1234', currency: 'KWD' })).toBe('1.234');
    expect(minorUnitsToDecimal({ amountMinor: '1234', currency: 'JPY' })).toBe('1234');
  });
});

describe('canonicalQuantity', () => {
  it.each([
    ['1', '1'],
    ['2.5', '2.5'],
    ['2.50', '2.5'],
    ['007', '7'],
    ['-0', '0'],
    ['-7', '-7'],
    [' 12 ', '12'],
    ['9'.repeat(64), '9'.repeat(64)],
    ['-0.000', '0'],
    ['0.00001', '0.00001'],
    ['12345678901234567890.12345', '12345678901234567890.12345'],
    [3, '3'],
    [0.1, '0.1'],
    [1e-7, '0.0000001'],
    [1e21, '1000000000000000000000'],
    [-2.5e-3, '-0.0025'],
  ])('%j → %s', (input, expected) => {
    expect(canonicalQuantity(input)).toBe(expected);
  });

  it.each(['', 'abc', '1e3', '1,5', '1.2.3', '9'.repeat(65), '+-1', Number.NaN, Number.POSITIVE_INFINITY])(
    'refuses %j',
    (input) => {
      expect(codeOf(() => canonicalQuantity(input))).toBe('INVALID_AMOUNT');
    },
  );

  it('is idempotent and preserves the numeric value of decimal strings', () => {
    const decimal = fc
      .tuple(fc.boolean(), fc.stringMatching(/^[0-9]{1,20}$/), fc.stringMatching(/^[0-9]{0,10}$/))
      .map(([neg, whole, frac]) => `${neg ? '-' : ''}${whole}${frac ? `.${frac}` : ''}`);
    fc.assert(
      fc.property(decimal, (text) => {
        const canonical = canonicalQuantity(text);
        expect(canonicalQuantity(canonical)).toBe(canonical);
        const scale = 10n ** 10n;
        const toScaled = (s: string): bigint => {
          const [w = '0', f = ''] = s.replace('-', '').split('.');
          const v = BigInt(w) * scale + BigInt(f.padEnd(10, '0') || '0');
          return s.startsWith('-') ? -v : v;
        };
        expect(toScaled(canonical)).toBe(toScaled(text));
      }),
    );
  });
});
