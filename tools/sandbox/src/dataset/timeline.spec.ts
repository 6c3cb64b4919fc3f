import { indexOrderView, scan, Timeline } from './timeline.js';

describe('scan', () => {
  const times = [10, 20, 20, 30, 40, 50];
  const view = indexOrderView(times.length, (i) => times[i] ?? 0);

  it('pages forwards and backwards without gaps or duplicates', () => {
    const seen: number[] = [];
    let after: { t: number; i: number } | undefined;
    for (;;) {
      const page = scan({ view, descending: false, after, limit: 2 });
      seen.push(...page.indices);
      if (!page.hasMore) break;
      after = page.last;
    }
    expect(seen).toEqual([0, 1, 2, 3, 4, 5]);
    const back = scan({ view, descending: true, after: { t: 30, i: 3 }, limit: 10 });
    expect(back.indices).toEqual([2, 1, 0]);
  });

  it('applies inclusive time bounds and filters', () => {
    expect(scan({ view, descending: false, min: 20, max: 40, limit: 10 }).indices).toEqual([1, 2, 3, 4]);
    expect(scan({ view, descending: false, accept: (i) => i % 2 === 0, limit: 10 }).indices).toEqual([0, 2, 4]);
  });

  it('Timeline keeps (time, index) order after touches and refuses to go back in time', () => {
    const timeline = new Timeline(Float64Array.from([5, 1, 3]));
    expect(Array.from({ length: 3 }, (_, p) => timeline.view().indexAt(p))).toEqual([1, 2, 0]);
    timeline.touch([1], 5);
    expect(Array.from({ length: 3 }, (_, p) => timeline.view().indexAt(p))).toEqual([2, 0, 1]);
    expect(() => timeline.touch([0], 4)).toThrow(RangeError);
  });
});
