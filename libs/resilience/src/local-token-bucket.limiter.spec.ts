import fc from 'fast-check';
import { LocalTokenBucket } from './local-token-bucket.limiter.js';
import { RateLimitWaitTooLong } from './resilience.errors.js';
import { FakeClock } from './testing/fake-clock.testing.js';

const KEY = 'shopify:conn_1';

function bucket(capacity = 4, refillPerSecond = 2) {
  const clock = new FakeClock(1_000_000);
  const limiter = new LocalTokenBucket({ defaults: { capacity, refillPerSecond }, now: clock.now, sleep: clock.sleep });
  return { clock, limiter };
}

describe('LocalTokenBucket', () => {
  it('starts full, grants up to capacity, then reports the refill wait', async () => {
    const { limiter } = bucket(4, 2);
    for (let i = 0; i < 4; i++) await expect(limiter.tryTake(KEY)).resolves.toEqual({ granted: true, waitMs: 0 });
    await expect(limiter.tryTake(KEY)).resolves.toEqual({ granted: false, waitMs: 500 });
  });

  it('refills with elapsed time, never above capacity', async () => {
    const { clock, limiter } = bucket(4, 2);
    await expect(limiter.tryTake(KEY, 4)).resolves.toMatchObject({ granted: true });
    clock.advance(1000);
    await expect(limiter.tryTake(KEY, 3)).resolves.toEqual({ granted: false, waitMs: 500 });
    await expect(limiter.tryTake(KEY, 2)).resolves.toMatchObject({ granted: true });
    clock.advance(60_000);
    await expect(limiter.tryTake(KEY, 4)).resolves.toMatchObject({ granted: true });
    await expect(limiter.tryTake(KEY, 1)).resolves.toMatchObject({ granted: false });
  });

  it('keeps keys independent', async () => {
    const { limiter } = bucket(1, 1);
    await expect(limiter.tryTake('a')).resolves.toMatchObject({ granted: true });
    await expect(limiter.tryTake('a')).resolves.toMatchObject({ granted: false });
    await expect(limiter.tryTake('b')).resolves.toMatchObject({ granted: true });
  });

  it('take() sleeps the announced wait and then succeeds', async () => {
    const { clock, limiter } = bucket(2, 2);
    await limiter.tryTake(KEY, 2);
    await expect(limiter.take(KEY, { maxWaitMs: 10_000 })).resolves.toBeUndefined();
    expect(clock.sleeps).toEqual([500]);
  });

  it('take() throws RateLimitWaitTooLong instead of waiting past maxWaitMs', async () => {
    const { clock, limiter } = bucket(2, 1);
    await limiter.tryTake(KEY, 2);
    await expect(limiter.take(KEY, { maxWaitMs: 999 })).rejects.toBeInstanceOf(RateLimitWaitTooLong);
    await expect(limiter.take(KEY, { cost: 3, maxWaitMs: 1e9 })).rejects.toMatchObject({
      code: 'RATE_LIMIT_WAIT_TOO_LONG',
      waitMs: Infinity,
    });
    expect(clock.sleeps).toEqual([]);
  });

  it('take() stops when its signal aborts', async () => {
    const { limiter } = bucket(1, 1);
    await limiter.tryTake(KEY);
    const controller = new AbortController();
    controller.abort();
    await expect(limiter.take(KEY, { maxWaitMs: 10_000, signal: controller.signal })).rejects.toMatchObject({
      name: 'AbortError',
    });
  });

  it('rejects invalid costs and configurations', async () => {
    const { limiter } = bucket();
    await expect(limiter.tryTake(KEY, 0)).rejects.toBeInstanceOf(RangeError);
    await expect(limiter.configure(KEY, { capacity: 0, refillPerSecond: 1 })).rejects.toBeInstanceOf(RangeError);
  });

  it('a Retry-After blocks every take until it passes, then refills from the observation', async () => {
    const { clock, limiter } = bucket(40, 2);
    await limiter.observe(KEY, { retryAfterMs: 2000 });
    await expect(limiter.tryTake(KEY)).resolves.toEqual({ granted: false, waitMs: 2000 });
    clock.advance(1999);
    await expect(limiter.tryTake(KEY)).resolves.toEqual({ granted: false, waitMs: 1 });
    clock.advance(1);
    for (let i = 0; i < 4; i++) await expect(limiter.tryTake(KEY)).resolves.toMatchObject({ granted: true });
    await expect(limiter.tryTake(KEY)).resolves.toMatchObject({ granted: false });
  });

  it('a shorter Retry-After never shortens an existing block', async () => {
    const { limiter } = bucket();
    await limiter.observe(KEY, { retryAfterMs: 5000 });
    await limiter.observe(KEY, { retryAfterMs: 100 });
    await expect(limiter.tryTake(KEY)).resolves.toEqual({ granted: false, waitMs: 5000 });
  });

  it('Shopify call limit sets capacity and lowers (never raises) tokens', async () => {
    const { limiter } = bucket(40, 2);
    await limiter.observe(KEY, { callLimit: { used: 37, limit: 40 } });
    await expect(limiter.tryTake(KEY, 3)).resolves.toMatchObject({ granted: true });
    await expect(limiter.tryTake(KEY, 1)).resolves.toMatchObject({ granted: false });
    await limiter.observe(KEY, { callLimit: { used: 0, limit: 80 } });
    await expect(limiter.tryTake(KEY, 1)).resolves.toMatchObject({ granted: false });
  });

  it('GraphQL throttle status sets capacity, restore rate and available points', async () => {
    const { clock, limiter } = bucket(40, 2);
    await limiter.observe(KEY, { throttleStatus: { currentlyAvailable: 10, maximumAvailable: 1000, restoreRate: 50 } });
    await expect(limiter.tryTake(KEY, 110)).resolves.toEqual({ granted: false, waitMs: 2000 });
    clock.advance(2000);
    await expect(limiter.tryTake(KEY, 110)).resolves.toMatchObject({ granted: true });
  });

  it('configure() changes size and rate and clips tokens to the new capacity', async () => {
    const { clock, limiter } = bucket(40, 2);
    await limiter.configure(KEY, { capacity: 5, refillPerSecond: 10 });
    await expect(limiter.tryTake(KEY, 5)).resolves.toMatchObject({ granted: true });
    await expect(limiter.tryTake(KEY, 1)).resolves.toEqual({ granted: false, waitMs: 100 });
    clock.advance(100);
    await expect(limiter.tryTake(KEY, 1)).resolves.toMatchObject({ granted: true });
  });
});

type Op =
  | { dt: number; kind: 'take'; cost: number }
  | { dt: number; kind: 'retryAfter'; ms: number }
  | { dt: number; kind: 'callLimit'; used: number };

const CAPACITY = 10;
const REFILL = 3;

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.record({
      dt: fc.integer({ min: 0, max: 1500 }),
      kind: fc.constant('take' as const),
      cost: fc.integer({ min: 1, max: 4 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      dt: fc.integer({ min: 0, max: 1500 }),
      kind: fc.constant('retryAfter' as const),
      ms: fc.integer({ min: 0, max: 5000 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      dt: fc.integer({ min: 0, max: 1500 }),
      kind: fc.constant('callLimit' as const),
      used: fc.integer({ min: 0, max: CAPACITY }),
    }),
  },
);

async function replay(ops: readonly Op[]) {
  const clock = new FakeClock(0);
  const limiter = new LocalTokenBucket({ defaults: { capacity: CAPACITY, refillPerSecond: REFILL }, now: clock.now });
  const grants: { at: number; cost: number }[] = [];
  // firstGrant: index of the first grant made after the block was observed.
  const blocks: { firstGrant: number; until: number }[] = [];
  for (const op of ops) {
    clock.advance(op.dt);
    if (op.kind === 'take') {
      if ((await limiter.tryTake('k', op.cost)).granted) grants.push({ at: clock.now(), cost: op.cost });
    } else if (op.kind === 'retryAfter') {
      await limiter.observe('k', { retryAfterMs: op.ms });
      blocks.push({ firstGrant: grants.length, until: clock.now() + op.ms });
    } else {
      await limiter.observe('k', { callLimit: { used: op.used, limit: CAPACITY } });
    }
  }
  return { grants, blocks };
}

describe('LocalTokenBucket properties', () => {
  it('grants in any window of length T never exceed capacity + refill * T', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { maxLength: 120 }), async (ops) => {
        const { grants } = await replay(ops);
        for (let i = 0; i < grants.length; i++) {
          let sum = 0;
          for (let j = i; j < grants.length; j++) {
            sum += grants[j]!.cost;
            const windowSec = (grants[j]!.at - grants[i]!.at) / 1000;
            expect(sum).toBeLessThanOrEqual(CAPACITY + REFILL * windowSec + 1e-9);
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('grants nothing while a Retry-After block is running', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { maxLength: 120 }), async (ops) => {
        const { grants, blocks } = await replay(ops);
        for (const block of blocks) {
          for (const grant of grants.slice(block.firstGrant)) expect(grant.at).toBeGreaterThanOrEqual(block.until);
        }
      }),
      { numRuns: 300 },
    );
  });
});
