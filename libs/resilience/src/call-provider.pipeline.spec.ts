import { BreakerRegistry } from './breaker.registry.js';
import { callProvider, type CallProviderOptions, type ProviderAttempt } from './call-provider.pipeline.js';
import { LocalTokenBucket } from './local-token-bucket.limiter.js';
import { CircuitOpenError, ProviderCallError, RateLimitWaitTooLong } from './resilience.errors.js';
import { FakeClock, seededRandom } from './testing/fake-clock.testing.js';

const KEY = 'shopify:conn_1';

function setup(overrides: Partial<CallProviderOptions> = {}, capacity = 40, refillPerSecond = 2) {
  const clock = new FakeClock(1_000_000);
  const limiter = new LocalTokenBucket({ defaults: { capacity, refillPerSecond }, now: clock.now, sleep: clock.sleep });
  const breakers = new BreakerRegistry({
    timeoutMs: 5000,
    errorThresholdPercentage: 50,
    volumeThreshold: 3,
    resetTimeoutMs: 60_000,
    rollingCountTimeoutMs: 10_000,
  });
  const options: CallProviderOptions = {
    key: KEY,
    limiter,
    breakers,
    retry: {
      maxAttempts: 4,
      baseDelayMs: 100,
      maxDelayMs: 1000,
      now: clock.now,
      sleep: clock.sleep,
      random: seededRandom(7),
    },
    ...overrides,
  };
  return { clock, limiter, breakers, options };
}

/** A provider call that plays the given outcomes in turn and records when each attempt started. */
function script(clock: FakeClock, outcomes: ((call: ProviderAttempt) => Promise<string>)[]) {
  const starts: number[] = [];
  const fn = (call: ProviderAttempt): Promise<string> => {
    starts.push(clock.now());
    const outcome = outcomes[call.attempt - 1];
    return outcome ? outcome(call) : Promise.resolve('ok');
  };
  return { fn, starts };
}

const http = (status: number, retryAfterMs?: number) =>
  new ProviderCallError({ code: `HTTP_${status}`, status, transient: status >= 500 || status === 429, retryAfterMs });

describe('callProvider', () => {
  let breakers: BreakerRegistry | undefined;
  afterEach(() => breakers?.shutdown());

  it('takes a token, calls, and feeds the reported call limit back to the limiter', async () => {
    const env = setup();
    breakers = env.breakers;
    const call = script(env.clock, [
      (attempt) => {
        attempt.report({ callLimit: { used: 39, limit: 40 } });
        return Promise.resolve('page 1');
      },
    ]);
    await expect(callProvider(env.options, call.fn)).resolves.toBe('page 1');
    await expect(env.limiter.tryTake(KEY)).resolves.toMatchObject({ granted: true });
    await expect(env.limiter.tryTake(KEY)).resolves.toMatchObject({ granted: false });
  });

  it('on 429 with Retry-After blocks the shared budget and retries only after it passes', async () => {
    const env = setup();
    breakers = env.breakers;
    const call = script(env.clock, [() => Promise.reject(http(429, 2000))]);
    await expect(callProvider(env.options, call.fn)).resolves.toBe('ok');
    expect(call.starts).toHaveLength(2);
    expect(call.starts[1]! - call.starts[0]!).toBeGreaterThanOrEqual(2000);
    // Tokens were zeroed at the 429 and refill at 2/s: no more than 4 are back after 2 s.
    const taken = await Promise.all(Array.from({ length: 10 }, () => env.limiter.tryTake(KEY)));
    expect(taken.filter((t) => t.granted).length).toBeLessThanOrEqual(4);
  });

  it('waits for a token before calling', async () => {
    const env = setup({}, 1, 1);
    breakers = env.breakers;
    await env.limiter.tryTake(KEY);
    const call = script(env.clock, []);
    await expect(callProvider(env.options, call.fn)).resolves.toBe('ok');
    expect(env.clock.sleeps).toEqual([1000]);
  });

  it('does not retry a permanent failure', async () => {
    const env = setup();
    breakers = env.breakers;
    const call = script(env.clock, [() => Promise.reject(http(403))]);
    await expect(callProvider(env.options, call.fn)).rejects.toMatchObject({ code: 'HTTP_403' });
    expect(call.starts).toHaveLength(1);
  });

  it('does not repeat a non-idempotent call after an ambiguous failure, but does after a 429', async () => {
    const env = setup({ idempotent: false });
    breakers = env.breakers;
    const ambiguous = script(env.clock, [() => Promise.reject(http(502))]);
    await expect(callProvider(env.options, ambiguous.fn)).rejects.toMatchObject({ code: 'HTTP_502' });
    expect(ambiguous.starts).toHaveLength(1);
    const limited = script(env.clock, [() => Promise.reject(http(429, 500))]);
    await expect(callProvider(env.options, limited.fn)).resolves.toBe('ok');
    expect(limited.starts).toHaveLength(2);
  });

  it('stops retrying as soon as the breaker opens (fast failure, no retry storm)', async () => {
    const env = setup({ retry: { ...setup().options.retry, maxAttempts: 10 } });
    breakers = env.breakers;
    const call = script(
      env.clock,
      Array.from({ length: 10 }, () => () => Promise.reject(http(503))),
    );
    await expect(callProvider(env.options, call.fn)).rejects.toBeInstanceOf(CircuitOpenError);
    expect(call.starts).toHaveLength(3);
  });

  it('gives up with RateLimitWaitTooLong when no token comes within the deadline', async () => {
    const env = setup({}, 1, 0.1);
    breakers = env.breakers;
    env.options.retry = { ...env.options.retry, deadlineMs: 5000 };
    await env.limiter.tryTake(KEY);
    const call = script(env.clock, []);
    await expect(callProvider(env.options, call.fn)).rejects.toBeInstanceOf(RateLimitWaitTooLong);
    expect(call.starts).toHaveLength(0);
  });

  it('hands the provider call a signal that follows the caller signal', async () => {
    const controller = new AbortController();
    const env = setup({ signal: controller.signal });
    breakers = env.breakers;
    let seen: AbortSignal | undefined;
    await callProvider(env.options, (attempt) => {
      seen = attempt.signal;
      return Promise.resolve('ok');
    });
    expect(seen?.aborted).toBe(false);
    controller.abort();
    expect(seen?.aborted).toBe(true);
  });
});
