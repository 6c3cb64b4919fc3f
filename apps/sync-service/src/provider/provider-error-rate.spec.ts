import { ProviderErrorRate } from './provider-error-rate.js';

describe('ProviderErrorRate', () => {
  let now = 0;
  const rate = () => new ProviderErrorRate({ thresholdPercent: 50, windowMs: 10_000, minCalls: 4 }, () => now);
  beforeEach(() => {
    now = 1_000_000;
  });

  it('fires once the window holds enough calls at the threshold, and only once', () => {
    const errors = rate();
    expect(errors.record('square', 503)).toBeUndefined();
    expect(errors.record('square', 0)).toBeUndefined();
    expect(errors.record('square', 200)).toBeUndefined();
    expect(errors.record('square', 500)).toEqual({ provider: 'square', state: 'firing', errors: 3, calls: 4 });
    expect(errors.record('square', 502)).toBeUndefined();
    expect(errors.record('shopify', 200)).toBeUndefined(); // providers are counted apart
  });

  it('does not count 4xx and 429 as errors', () => {
    const errors = rate();
    for (const status of [400, 401, 404, 429, 429, 429]) expect(errors.record('square', status)).toBeUndefined();
  });

  it('resolves below half the threshold, not at the line', () => {
    const errors = rate();
    for (const status of [500, 500, 500, 500]) errors.record('square', status);
    // 4 errors: still firing at 4 of 8 (50 %), at 4 of 9 (under the line) and at 4 of 16 (25 %, half of it).
    const successes = Array.from({ length: 13 }, () => errors.record('square', 200));
    expect(successes.slice(0, 12).filter(Boolean)).toEqual([]);
    expect(successes[12]).toEqual({ provider: 'square', state: 'resolved', errors: 4, calls: 17 });
  });

  it('forgets calls older than the window', () => {
    const errors = rate();
    for (const status of [500, 500, 500]) errors.record('square', status);
    now += 10_001;
    expect(errors.record('square', 500)).toBeUndefined(); // 1 call in the window: under the minimum
  });
});
