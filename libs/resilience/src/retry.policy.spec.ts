import fc from 'fast-check';
import { ProviderCallError } from './resilience.errors.js';
import { backoffDelay, retryWithBackoff, type RetryEvent, type RetryOptions } from './retry.policy.js';
import { coefficientOfVariation, FakeClock, seededRandom } from './testing/fake-clock.testing.js';

const SEED = 20261122;

const unavailable = () => new ProviderCallError({ code: 'HTTP_503', status: 503, transient: true });
const tooMany = (retryAfterMs?: number) =>
  new ProviderCallError({ code: 'HTTP_429', status: 429, transient: true, retryAfterMs });
const forbidden = () => new ProviderCallError({ code: 'HTTP_403', status: 403, transient: false });
const reset = () => Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
const refused = () => Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });

function setup(overrides: Partial<RetryOptions> = {}) {
  const clock = new FakeClock(0);
  const events: RetryEvent[] = [];
  const options: RetryOptions = {
    maxAttempts: 5,
    baseDelayMs: 100,
    maxDelayMs: 1000,
    now: clock.now,
    sleep: clock.sleep,
    random: seededRandom(SEED),
    onRetry: (event) => events.push(event),
    ...overrides,
  };
  return { clock, events, options };
}

/** A function failing with the given errors in turn, then returning 'ok'. */
function failing(errors: (() => Error)[]) {
  let calls = 0;
  const fn = (): Promise<string> => {
    const make = errors[calls++];
    return make ? Promise.reject(make()) : Promise.resolve('ok');
  };
  return { fn, calls: () => calls };
}

describe('retryWithBackoff', () => {
  it('returns the first success without waiting', async () => {
    const { clock, options } = setup();
    await expect(retryWithBackoff(() => Promise.resolve(42), options)).resolves.toBe(42);
    expect(clock.sleeps).toEqual([]);
  });

  it('retries transient failures and succeeds', async () => {
    const { events, options } = setup();
    const call = failing([unavailable, reset, unavailable]);
    await expect(retryWithBackoff(call.fn, options)).resolves.toBe('ok');
    expect(call.calls()).toBe(4);
    expect(events.map((e) => [e.attempt, e.kind])).toEqual([
      [1, 'transient'],
      [2, 'transient'],
      [3, 'transient'],
    ]);
  });

  it('never exceeds maxAttempts and rethrows the last error unchanged', async () => {
    const { options } = setup({ maxAttempts: 3 });
    const last = unavailable();
    const call = failing([unavailable, unavailable, () => last, unavailable]);
    await expect(retryWithBackoff(call.fn, options)).rejects.toBe(last);
    expect(call.calls()).toBe(3);
  });

  it('keeps each delay within the full-jitter cap min(maxDelay, base * 2^retry)', async () => {
    const { clock, options } = setup({ maxAttempts: 8 });
    const call = failing(Array.from({ length: 10 }, () => unavailable));
    await expect(retryWithBackoff(call.fn, options)).rejects.toBeInstanceOf(ProviderCallError);
    expect(clock.sleeps).toHaveLength(7);
    clock.sleeps.forEach((delay, retry) => {
      expect(delay).toBeGreaterThanOrEqual(0);
      expect(delay).toBeLessThan(Math.min(1000, 100 * 2 ** retry));
    });
  });

  it('does not retry permanent failures', async () => {
    const { clock, options } = setup();
    const call = failing([forbidden]);
    await expect(retryWithBackoff(call.fn, options)).rejects.toMatchObject({ code: 'HTTP_403' });
    expect(call.calls()).toBe(1);
    expect(clock.sleeps).toEqual([]);
  });

  it('waits at least the Retry-After, even beyond maxDelayMs', async () => {
    const { clock, options } = setup();
    const call = failing([() => tooMany(4000)]);
    await expect(retryWithBackoff(call.fn, options)).resolves.toBe('ok');
    expect(clock.sleeps).toEqual([4000]);
  });

  it('stops and rethrows when the Retry-After would pass the deadline', async () => {
    const { clock, options } = setup({ deadlineMs: 3000 });
    const error = tooMany(5000);
    const call = failing([() => error]);
    await expect(retryWithBackoff(call.fn, options)).rejects.toBe(error);
    expect(call.calls()).toBe(1);
    expect(clock.sleeps).toEqual([]);
  });

  it('never sleeps past the deadline', async () => {
    const { clock, options } = setup({ maxAttempts: 100, deadlineMs: 2500, baseDelayMs: 200, maxDelayMs: 800 });
    const call = failing(Array.from({ length: 200 }, () => unavailable));
    await expect(retryWithBackoff(call.fn, options)).rejects.toBeInstanceOf(ProviderCallError);
    expect(clock.now()).toBeLessThan(2500);
    expect(call.calls()).toBeLessThan(100);
  });

  it('non-idempotent: retries only failures proving the request was not processed', async () => {
    const ambiguous = setup({ idempotent: false });
    const afterReset = failing([reset]);
    await expect(retryWithBackoff(afterReset.fn, ambiguous.options)).rejects.toMatchObject({ code: 'ECONNRESET' });
    expect(afterReset.calls()).toBe(1);

    const after503 = failing([unavailable]);
    await expect(retryWithBackoff(after503.fn, setup({ idempotent: false }).options)).rejects.toMatchObject({
      status: 503,
    });
    expect(after503.calls()).toBe(1);

    const afterRefusedAnd429 = failing([refused, () => tooMany()]);
    await expect(retryWithBackoff(afterRefusedAnd429.fn, setup({ idempotent: false }).options)).resolves.toBe('ok');
    expect(afterRefusedAnd429.calls()).toBe(3);
  });

  it('uses a custom classifier', async () => {
    const { options } = setup({ classify: () => 'transient' });
    const call = failing([() => new Error('anything')]);
    await expect(retryWithBackoff(call.fn, options)).resolves.toBe('ok');
  });

  it('stops when the signal aborts', async () => {
    const controller = new AbortController();
    const { options } = setup({ signal: controller.signal, onRetry: () => controller.abort() });
    const call = failing([unavailable, unavailable]);
    await expect(retryWithBackoff(call.fn, options)).rejects.toMatchObject({ name: 'AbortError' });
    expect(call.calls()).toBe(1);
  });

  it('spreads delays: coefficient of variation > 0.3 at every retry index', () => {
    const random = seededRandom(SEED);
    for (let retry = 0; retry < 6; retry++) {
      const delays = Array.from({ length: 2000 }, () =>
        backoffDelay(retry, { baseDelayMs: 100, maxDelayMs: 5000 }, random),
      );
      expect(coefficientOfVariation(delays)).toBeGreaterThan(0.3);
    }
  });

  it('spreads real retry schedules of many tenants failing together', async () => {
    const random = seededRandom(SEED + 1);
    const firstDelays: number[] = [];
    for (let tenant = 0; tenant < 300; tenant++) {
      const { events, options } = setup({ maxAttempts: 2, random });
      await expect(retryWithBackoff(failing([unavailable]).fn, options)).resolves.toBe('ok');
      firstDelays.push(events[0]!.delayMs);
    }
    expect(coefficientOfVariation(firstDelays)).toBeGreaterThan(0.3);
  });

  it('property: attempts ≤ maxAttempts and no attempt starts after the deadline', async () => {
    const failureArb = fc.constantFrom(
      unavailable,
      reset,
      forbidden,
      () => tooMany(300),
      () => tooMany(9000),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(failureArb, { maxLength: 15 }),
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 1, max: 20_000 }),
        fc.integer({ min: 0, max: 2 ** 31 }),
        async (failures, maxAttempts, deadlineMs, seed) => {
          const { clock, options } = setup({ maxAttempts, deadlineMs, random: seededRandom(seed) });
          const starts: number[] = [];
          const call = failing(failures);
          await retryWithBackoff(() => {
            starts.push(clock.now());
            return call.fn();
          }, options).catch(() => undefined);
          expect(starts.length).toBeLessThanOrEqual(maxAttempts);
          starts.slice(1).forEach((at) => expect(at).toBeLessThan(deadlineMs));
        },
      ),
      { numRuns: 300, seed: SEED },
    );
  });
});
