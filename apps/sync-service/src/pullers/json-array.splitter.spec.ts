import { JsonArraySplitter } from './json-array.splitter.js';

// Feeds `text` cut at the given byte offsets; returns the parsed elements and the parsed rest.
function split(text: string, key: string, cuts: number[]): { elements: unknown[]; rest: unknown } {
  const bytes = Buffer.from(text);
  const splitter = new JsonArraySplitter(key);
  const elements: unknown[] = [];
  let from = 0;
  for (const cut of [...cuts.filter((c) => c > 0 && c < bytes.length).sort((a, b) => a - b), bytes.length]) {
    for (const element of splitter.push(bytes.subarray(from, cut))) elements.push(JSON.parse(element));
    from = cut;
  }
  return { elements, rest: JSON.parse(splitter.rest()) };
}

const tricky = [
  { id: 'a', note: 'has "quotes", commas, ] and } inside', nested: { list: [1, [2, { x: ']' }]] } },
  { id: 'b', note: 'escaped backslash at the end \\', emoji: 'ü → 🚀', empty: {} },
  'a string element, with a comma',
  42,
  null,
  [1, 2, [3]],
];

describe('JsonArraySplitter', () => {
  it('yields each element and keeps the rest, wherever the chunks are cut', () => {
    const doc = { before: { orders: 'not this one' }, orders: tricky, cursor: 'c,"]1', after: [1, 2] };
    const text = JSON.stringify(doc, null, 1);
    const expected = { elements: tricky, rest: { ...doc, orders: [] } };
    expect(split(text, 'orders', [])).toEqual(expected);
    for (let cut = 1; cut < Buffer.byteLength(text); cut++) {
      expect(split(text, 'orders', [cut, cut + 7])).toEqual(expected);
    }
  });

  it('finds only the top-level key, and an empty or missing array yields nothing', () => {
    expect(split('{"x":{"orders":[1,2]},"orders":[3]}', 'orders', [5])).toEqual({
      elements: [3],
      rest: { x: { orders: [1, 2] }, orders: [] },
    });
    expect(split('{"orders": [ ] , "cursor": "c"}', 'orders', [3])).toEqual({
      elements: [],
      rest: { orders: [], cursor: 'c' },
    });
    expect(split('{"cursor":"c"}', 'orders', [])).toEqual({ elements: [], rest: { cursor: 'c' } });
  });

  it('hands broken arrays on as text that JSON.parse rejects', () => {
    const texts = (doc: string): string[] => new JsonArraySplitter('orders').push(Buffer.from(doc));
    expect(texts('{"orders":[,1]}')[0]).toBe('');
    expect(texts('{"orders":[1,]}')).toEqual(['1', '']);
    expect(texts('{"orders":[{"a":1}}]}')).toEqual(['{"a":1}']);
    const splitter = new JsonArraySplitter('orders');
    splitter.push(Buffer.from('{"orders":[{"a":1}}]}'));
    expect(() => void JSON.parse(splitter.rest())).toThrow();
  });
});
