import { WindowLimiter } from './window-limiter.js';

describe('WindowLimiter', () => {
  it('allows N per window, refuses the next, and frees a slot when the oldest leaves', () => {
    const limiter = new WindowLimiter({ requests: 3, seconds: 10 });
    expect([0, 1000, 2000].map((t) => limiter.take(t).ok)).toEqual([true, true, true]);
    expect(limiter.take(9999)).toMatchObject({ ok: false, remaining: 0, resetAt: 10_000 });
    expect(limiter.take(10_000).ok).toBe(true);
  });

  it('applies the hourly cap on top of the short window', () => {
    const limiter = new WindowLimiter({ requests: 2, seconds: 1, hourly: 3 });
    expect([0, 1000, 2000].map((t) => limiter.take(t).ok)).toEqual([true, true, true]);
    expect(limiter.take(5000)).toMatchObject({ ok: false, limit: 3, resetAt: 3_600_000 });
    expect(limiter.take(3_600_001).ok).toBe(true);
  });
});
