import fc from 'fast-check';
import { parseJsonPreservingBigInts, quoteLargeIntegers } from './big-int-json.js';

describe('parseJsonPreservingBigInts', () => {
  it('keeps every digit of unsafe integers and leaves strings untouched', () => {
    const text = '{"id": 9007199254740993, "name": "x \\"9007199254740993\\""}';
    expect(parseJsonPreservingBigInts(text)).toEqual({ id: '9007199254740993', name: 'x "9007199254740993"' });
  });

  it('handles Shopify-sized ids, negatives, arrays and nesting; keeps safe numbers as numbers', () => {
    const text =
      '{"id":820982911946154508,"n":-9223372036854775808,"ids":[1,18446744073709551615],"o":{"x":2.5,"y":1e400,"z":12345678901234567890.5}}';
    expect(parseJsonPreservingBigInts(text)).toEqual({
      id: '820982911946154508',
      n: '-9223372036854775808',
      ids: [1, '18446744073709551615'],
      o: { x: 2.5, y: Infinity, z: 12345678901234567000 },
    });
  });

  it('draws the line at Number.MAX_SAFE_INTEGER, with or without a 16-digit run elsewhere', () => {
    expect(parseJsonPreservingBigInts('{"a":9007199254740991,"b":9007199254740992}')).toEqual({
      a: 9007199254740991,
      b: '9007199254740992',
    });
    expect(parseJsonPreservingBigInts('{"a":999999999999999,"b":"1234567890123456"}')).toEqual({
      a: 999999999999999,
      b: '1234567890123456',
    });
  });

  it('can stringify every id field for one consistent type', () => {
    const result = parseJsonPreservingBigInts(
      '{"id":1,"line_items":[{"id":2,"variant_id":3,"quantity":4}],"location_id" : 5}',
      {
        stringifyKey: (key) => key === 'id' || key.endsWith('_id'),
      },
    );
    expect(result).toEqual({ id: '1', line_items: [{ id: '2', variant_id: '3', quantity: 4 }], location_id: '5' });
  });

  it('does not touch digits inside strings with escapes or unicode', () => {
    const text = '{"a":"\\\\","b":"\\u0022 12345678901234567890","c":"é 98765432109876543210"}';
    expect(parseJsonPreservingBigInts(text)).toEqual({
      a: '\\',
      b: '" 12345678901234567890',
      c: 'é 98765432109876543210',
    });
  });

  it('still rejects invalid JSON', () => {
    expect(() => parseJsonPreservingBigInts('{"id": 012345678901234567890}')).toThrow(SyntaxError);
    expect(() => parseJsonPreservingBigInts('{"id": 1')).toThrow(SyntaxError);
    expect(() => parseJsonPreservingBigInts('"unterminated')).toThrow(SyntaxError);
  });

  it('agrees with JSON.parse on any JSON without unsafe integers', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = JSON.stringify(value);
        // Integer literals of 16+ digits may be beyond 2^53; those are the ones meant to change.
        fc.pre(!/(^|[^0-9.e])-?[0-9]{16,}(?![0-9.e])/i.test(text.replace(/"(?:[^"\\]|\\.)*"/g, '""')));
        expect(quoteLargeIntegers(text)).toBe(text);
        expect(parseJsonPreservingBigInts(text)).toEqual(JSON.parse(text));
      }),
      { numRuns: 500 },
    );
  });

  it('recovers arbitrary 64-bit integers exactly', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 64n }), fc.string(), (big, s) => {
        const text = `{"s":${JSON.stringify(s)},"v":${big.toString()},"a":[${big.toString()}]}`;
        const parsed = parseJsonPreservingBigInts(text) as { s: string; v: string | number; a: (string | number)[] };
        expect(parsed.s).toBe(s);
        expect(String(parsed.v)).toBe(big.toString());
        expect(String(parsed.a[0])).toBe(big.toString());
      }),
      { numRuns: 500 },
    );
  });
});
