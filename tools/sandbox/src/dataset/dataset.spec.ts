import { AccountDataset, accountSeed, gtin13, type DatasetOptions } from './dataset.js';

const options = (seed: number, extra: Partial<DatasetOptions> = {}): DatasetOptions => ({
  seed,
  locations: 3,
  products: 50,
  orders: 400,
  anchor: Date.UTC(2026, 0, 1),
  spanDays: 365,
  precisionMs: 1,
  ...extra,
});

const snapshot = (d: AccountDataset): string =>
  JSON.stringify({
    products: Array.from({ length: d.options.products }, (_, i) => d.product(i)),
    orders: Array.from({ length: d.options.orders }, (_, i) => d.order(i)),
    stock: Array.from({ length: d.options.products }, (_, i) => d.inventory(i, 0, 1)),
  });

describe('AccountDataset', () => {
  it('same seed gives the same data; another seed gives different data', () => {
    expect(snapshot(new AccountDataset(options(42)))).toBe(snapshot(new AccountDataset(options(42))));
    expect(snapshot(new AccountDataset(options(42)))).not.toBe(snapshot(new AccountDataset(options(43))));
    expect(accountSeed(1, 'square', 'A')).not.toBe(accountSeed(1, 'square', 'B'));
  });

  it('creation times never decrease with the index and stay before the anchor; updated_at >= created_at', () => {
    const d = new AccountDataset(options(5));
    for (let i = 1; i < d.options.orders; i++) {
      const o = d.order(i);
      expect(o.createdAt).toBeGreaterThanOrEqual(d.order(i - 1).createdAt);
      expect(o.updatedAt).toBeGreaterThanOrEqual(o.createdAt);
      expect(o.updatedAt).toBeLessThanOrEqual(d.options.anchor);
    }
  });

  it('whole-second precision for Shopify-style datasets', () => {
    const d = new AccountDataset(options(5, { precisionMs: 1000 }));
    expect(d.order(17).createdAt % 1000).toBe(0);
    expect(d.order(17).updatedAt % 1000).toBe(0);
  });

  it('mutate bumps version and moves records to now, deterministically per seed', () => {
    const a = new AccountDataset(options(9));
    const b = new AccountDataset(options(9));
    const now = Date.UTC(2026, 3, 1);
    const picked = a.mutate('orders', 10, now);
    expect(b.mutate('orders', 10, now)).toEqual(picked);
    expect(new Set(picked).size).toBe(10);
    for (const i of picked) expect(a.order(i).updatedAt).toBe(now);
    const view = a.orderTimeline.view();
    const tail = Array.from({ length: 10 }, (_, k) => view.indexAt(view.length - 10 + k));
    expect(tail).toEqual([...picked].sort((x, y) => x - y));
    const before = new AccountDataset(options(9)).order(picked[0] ?? 0);
    expect(a.order(picked[0] ?? 0).version).toBe(before.version + 1);
  });

  it('variant indices round-trip; GTIN-13 check digits are valid', () => {
    const d = new AccountDataset(options(3));
    for (let g = 0; g < d.variantTotal; g++) {
      const owner = d.variantOwner(g);
      expect(owner && d.variantGlobalIndex(owner.productIndex, owner.variantIndex)).toBe(g);
    }
    for (let i = 0; i < 20; i++) {
      const digits = gtin13(7, i).split('').map(Number);
      const sum = digits.slice(0, 12).reduce((s, n, k) => s + n * (k % 2 === 0 ? 1 : 3), 0);
      expect(digits).toHaveLength(13);
      expect((10 - (sum % 10)) % 10).toBe(digits[12]);
    }
  });

  it('a million orders are generated lazily (typed arrays, records on demand)', () => {
    const d = new AccountDataset(options(11, { orders: 1_000_000 }));
    const last = d.order(999_999);
    expect(last.index).toBe(999_999);
    expect(last.lines.length).toBeGreaterThan(0);
    const view = d.orderTimeline.view();
    expect(view.length).toBe(1_000_000);
    expect(view.timeAt(0)).toBeLessThanOrEqual(view.timeAt(999_999));
  });
});
