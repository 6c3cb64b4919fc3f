import { setTimeout as delay } from 'node:timers/promises';
import { BreakerRegistry, type BreakerOptions, type BreakerState } from './breaker.registry.js';
import { CircuitOpenError, ProviderCallError } from './resilience.errors.js';

const OPTIONS: BreakerOptions = {
  timeoutMs: 1000,
  errorThresholdPercentage: 50,
  volumeThreshold: 4,
  resetTimeoutMs: 150,
  rollingCountTimeoutMs: 10_000,
};

const A = 'square:conn_a';
const B = 'square:conn_b';

const serverError = () => new ProviderCallError({ code: 'HTTP_503', status: 503, transient: true });

function setup(options: Partial<BreakerOptions> = {}) {
  const changes: [string, BreakerState][] = [];
  const breakers = new BreakerRegistry(
    { ...OPTIONS, ...options },
    { onStateChange: (key, state) => changes.push([key, state]) },
  );
  return { breakers, changes };
}

async function failTimes(breakers: BreakerRegistry, key: string, times: number, make: () => Error): Promise<void> {
  for (let i = 0; i < times; i++) {
    await expect(breakers.fire(key, () => Promise.reject(make()))).rejects.toBeInstanceOf(Error);
  }
}

async function waitForState(breakers: BreakerRegistry, key: string, state: BreakerState): Promise<void> {
  for (let i = 0; i < 200 && breakers.state(key) !== state; i++) await delay(10);
  expect(breakers.state(key)).toBe(state);
}

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('BreakerRegistry', () => {
  let registry: BreakerRegistry | undefined;
  afterEach(() => registry?.shutdown());

  it('passes results and errors through while closed', async () => {
    const { breakers } = setup();
    registry = breakers;
    await expect(breakers.fire(A, () => Promise.resolve('ok'))).resolves.toBe('ok');
    await expect(breakers.fire(A, () => Promise.reject(serverError()))).rejects.toMatchObject({ code: 'HTTP_503' });
    expect(breakers.state(A)).toBe('closed');
  });

  it('opens after the volume threshold of transient failures and then fails fast without calling', async () => {
    const { breakers, changes } = setup();
    registry = breakers;
    await failTimes(breakers, A, 4, serverError);
    expect(breakers.state(A)).toBe('open');
    let calls = 0;
    const call = breakers.fire(A, () => {
      calls++;
      return Promise.resolve('never');
    });
    await expect(call).rejects.toBeInstanceOf(CircuitOpenError);
    await expect(breakers.fire(A, () => Promise.resolve(1))).rejects.toMatchObject({
      code: 'PROVIDER_UNAVAILABLE',
      key: A,
    });
    expect(calls).toBe(0);
    expect(changes).toEqual([[A, 'open']]);
  });

  it('does not open below the volume threshold', async () => {
    const { breakers } = setup();
    registry = breakers;
    await failTimes(breakers, A, 3, serverError);
    expect(breakers.state(A)).toBe('closed');
  });

  it('never opens on 4xx or 429 answers', async () => {
    const { breakers, changes } = setup();
    registry = breakers;
    await failTimes(breakers, A, 10, () => new ProviderCallError({ code: 'HTTP_400', status: 400, transient: false }));
    await failTimes(
      breakers,
      A,
      10,
      () => new ProviderCallError({ code: 'HTTP_429', status: 429, transient: true, retryAfterMs: 1000 }),
    );
    await failTimes(breakers, A, 10, () => new ProviderCallError({ code: 'HTTP_401', status: 401, transient: false }));
    expect(breakers.state(A)).toBe('closed');
    expect(changes).toEqual([]);
  });

  it('keeps other keys unaffected', async () => {
    const { breakers } = setup();
    registry = breakers;
    await failTimes(breakers, A, 5, serverError);
    await expect(breakers.fire(B, () => Promise.resolve('b ok'))).resolves.toBe('b ok');
    expect(breakers.states()).toEqual({ [A]: 'open', [B]: 'closed' });
  });

  it('half-open lets exactly one probe through; its success closes the breaker', async () => {
    const { breakers, changes } = setup();
    registry = breakers;
    await failTimes(breakers, A, 4, serverError);
    await waitForState(breakers, A, 'half-open');

    const probe = deferred<string>();
    let calls = 0;
    const fire = () =>
      breakers.fire(A, () => {
        calls++;
        return probe.promise;
      });
    const first = fire();
    const others = Array.from({ length: 5 }, fire);
    for (const other of others) await expect(other).rejects.toBeInstanceOf(CircuitOpenError);
    expect(calls).toBe(1);

    probe.resolve('recovered');
    await expect(first).resolves.toBe('recovered');
    expect(breakers.state(A)).toBe('closed');
    await expect(breakers.fire(A, () => Promise.resolve('again'))).resolves.toBe('again');
    expect(changes).toEqual([
      [A, 'open'],
      [A, 'half-open'],
      [A, 'closed'],
    ]);
  });

  it('a failed probe reopens the breaker', async () => {
    const { breakers, changes } = setup();
    registry = breakers;
    await failTimes(breakers, A, 4, serverError);
    await waitForState(breakers, A, 'half-open');
    await expect(breakers.fire(A, () => Promise.reject(serverError()))).rejects.toMatchObject({ code: 'HTTP_503' });
    expect(breakers.state(A)).toBe('open');
    expect(changes.map(([, state]) => state)).toEqual(['open', 'half-open', 'open']);
  });

  it('times out a hung call as a transient failure and aborts its signal', async () => {
    const { breakers } = setup({ timeoutMs: 30 });
    registry = breakers;
    let seen: AbortSignal | undefined;
    const hung = breakers.fire(A, (signal) => {
      seen = signal;
      return new Promise<never>(() => undefined);
    });
    await expect(hung).rejects.toMatchObject({ name: 'ProviderCallError', code: 'ETIMEDOUT', transient: true });
    expect(seen?.aborted).toBe(true);
  });

  it('counts timeouts towards opening', async () => {
    const { breakers } = setup({ timeoutMs: 10, volumeThreshold: 2 });
    registry = breakers;
    for (let i = 0; i < 2; i++) {
      await expect(breakers.fire(A, () => new Promise<never>(() => undefined))).rejects.toMatchObject({
        code: 'ETIMEDOUT',
      });
    }
    expect(breakers.state(A)).toBe('open');
  });

  it('reports unknown keys as closed', () => {
    const { breakers } = setup();
    registry = breakers;
    expect(breakers.state('never:used')).toBe('closed');
    expect(breakers.states()).toEqual({});
  });
});
