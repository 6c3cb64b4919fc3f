import { LeakyBucket } from './leaky-bucket.js';

describe('LeakyBucket', () => {
  it('admits capacity calls at once, then leaks at the configured rate', () => {
    const bucket = new LeakyBucket({ capacity: 40, leakPerSecond: 2 });
    for (let i = 1; i <= 40; i++) expect(bucket.take(0)).toEqual({ ok: true, used: i });
    expect(bucket.take(0)).toEqual({ ok: false, used: 40 });
    expect(bucket.take(499).ok).toBe(false);
    expect(bucket.take(500)).toEqual({ ok: true, used: 40 });
    expect(bucket.take(20_500)).toEqual({ ok: true, used: 1 });
  });
});
