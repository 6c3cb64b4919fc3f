import { BreakerRegistry } from './breaker.registry.js';
import type { AttemptEvent } from './attempt.observer.js';
import { callProvider, type CallProviderOptions } from './call-provider.pipeline.js';
import { LocalTokenBucket } from './local-token-bucket.limiter.js';
import { CircuitOpenError, ProviderCallError, RateLimitWaitTooLong } from './resilience.errors.js';
import { FakeClock, seededRandom } from './testing/fake-clock.testing.js';

const KEY = 'square:M1';

function setup(capacity = 40, refillPerSecond = 2) {
  const clock = new FakeClock(1_000_000);
  const limiter = new LocalTokenBucket({ defaults: { capacity, refillPerSecond }, now: clock.now, sleep: clock.sleep });
  const breakers = new BreakerRegistry({
    timeoutMs: 5000,
    errorThresholdPercentage: 50,
    volumeThreshold: 2,
    resetTimeoutMs: 60_000,
    rollingCountTimeoutMs: 10_000,
  });
  const events: AttemptEvent[] = [];
  const options: CallProviderOptions = {
    key: KEY,
    limiter,
    breakers,
    retry: {
      maxAttempts: 3,
      baseDelayMs: 100,
      maxDelayMs: 1000,
      now: clock.now,
      sleep: clock.sleep,
      random: seededRandom(3),
    },
    onAttempt: (event) => events.push(event),
  };
  return { clock, limiter, breakers, options, events };
}

const http = (status: number) =>
  new ProviderCallError({ code: `HTTP_${status}`, status, transient: status >= 500 || status === 429 });

describe('callProvider onAttempt', () => {
  let breakers: BreakerRegistry | undefined;
  afterEach(() => breakers?.shutdown());

  it('reports each attempt with its status, duration and breaker state', async () => {
    const env = setup();
    breakers = env.breakers;
    let attempts = 0;
    const result = callProvider(env.options, async (call) => {
      attempts += 1;
      if (attempts === 1) {
        call.answered(503);
        throw http(503);
      }
      await env.clock.sleep(40);
      call.answered(200);
      return 'ok';
    });
    await expect(result).resolves.toBe('ok');
    expect(env.events).toEqual([
      {
        key: KEY,
        attempt: 1,
        status: 503,
        errorCode: 'HTTP_503',
        durationMs: 0,
        rateLimitWaitMs: 0,
        breakerState: 'closed',
      },
      { key: KEY, attempt: 2, status: 200, durationMs: 40, rateLimitWaitMs: 0, breakerState: 'closed' },
    ]);
  });

  it('reports the wait for a token of the shared budget', async () => {
    const env = setup(1, 1);
    breakers = env.breakers;
    await env.limiter.tryTake(KEY);
    await callProvider(env.options, (call) => {
      call.answered(200);
      return Promise.resolve('ok');
    });
    expect(env.events).toMatchObject([{ attempt: 1, status: 200, rateLimitWaitMs: 1000 }]);
  });

  it('takes the status from the error when the call did not hand one over, and 0 for a network error', async () => {
    const env = setup();
    breakers = env.breakers;
    await expect(callProvider(env.options, () => Promise.reject(http(404)))).rejects.toThrow(ProviderCallError);
    const network = new ProviderCallError({ code: 'NETWORK_ERROR', transient: false });
    await expect(callProvider(env.options, () => Promise.reject(network))).rejects.toThrow(ProviderCallError);
    expect(env.events.map((e) => [e.status, e.errorCode])).toEqual([
      [404, 'HTTP_404'],
      [0, 'NETWORK_ERROR'],
    ]);
  });

  it('reports attempts the open breaker refused: no status, the refusal and the state it was in', async () => {
    const env = setup();
    breakers = env.breakers;
    await expect(callProvider(env.options, () => Promise.reject(http(503)))).rejects.toBeInstanceOf(CircuitOpenError);
    expect(env.events.map((e) => [e.attempt, e.status, e.refusal, e.errorCode, e.breakerState])).toEqual([
      [1, 503, undefined, 'HTTP_503', 'closed'],
      [2, 503, undefined, 'HTTP_503', 'closed'],
      [3, null, 'BREAKER_OPEN', 'PROVIDER_UNAVAILABLE', 'open'],
    ]);
  });

  it('reports an attempt the shared budget refused, with the time it waited, and never calls the provider', async () => {
    const env = setup(1, 1);
    breakers = env.breakers;
    await env.limiter.tryTake(KEY);
    let called = false;
    const call = callProvider({ ...env.options, maxWaitMs: 400 }, () => {
      called = true;
      return Promise.resolve('ok');
    });
    await expect(call).rejects.toBeInstanceOf(RateLimitWaitTooLong);
    expect(called).toBe(false);
    expect(env.events).toEqual([
      {
        key: KEY,
        attempt: 1,
        refusal: 'RATE_LIMIT_WAIT_TOO_LONG',
        status: null,
        errorCode: 'RATE_LIMIT_WAIT_TOO_LONG',
        durationMs: 0,
        rateLimitWaitMs: 0,
        breakerState: 'closed',
      },
    ]);
  });

  it('does not report a token wait the caller aborted: nothing was refused', async () => {
    const env = setup(1, 1);
    breakers = env.breakers;
    await env.limiter.tryTake(KEY);
    const aborted = new AbortController();
    aborted.abort(new Error('caller left'));
    const call = callProvider({ ...env.options, signal: aborted.signal }, () => Promise.resolve('ok'));
    await expect(call).rejects.toThrow('caller left');
    expect(env.events).toEqual([]);
  });

  it('never lets a throwing observer fail the call', async () => {
    const env = setup();
    breakers = env.breakers;
    env.options.onAttempt = () => {
      throw new Error('buffer full');
    };
    await expect(callProvider(env.options, () => Promise.resolve('ok'))).resolves.toBe('ok');
  });
});
