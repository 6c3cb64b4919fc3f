import fc from 'fast-check';
import { SingleFlight } from './single-flight.coalescer.js';

describe('SingleFlight', () => {
  it('shares one in-flight call between concurrent callers and frees the key afterwards', async () => {
    const flight = new SingleFlight<string, number>();
    let calls = 0;
    let release!: (value: number) => void;
    const fn = () => {
      calls++;
      return new Promise<number>((resolve) => (release = resolve));
    };
    const a = flight.run('conn_1', fn);
    const b = flight.run('conn_1', fn);
    expect(flight.has('conn_1')).toBe(true);
    await Promise.resolve();
    release(7);
    await expect(Promise.all([a, b])).resolves.toEqual([7, 7]);
    expect(calls).toBe(1);
    expect(flight.size).toBe(0);

    const c = flight.run('conn_1', () => Promise.resolve(8));
    await expect(c).resolves.toBe(8);
  });

  it('propagates an error to every waiter, including a synchronous throw', async () => {
    const flight = new SingleFlight<string, number>();
    const boom = new Error('refresh failed');
    const fn = (): Promise<number> => {
      throw boom;
    };
    const waiters = [flight.run('k', fn), flight.run('k', fn), flight.run('k', fn)];
    for (const waiter of waiters) await expect(waiter).rejects.toBe(boom);
    expect(flight.has('k')).toBe(false);
  });

  it('keeps keys independent', async () => {
    const flight = new SingleFlight<string, string>();
    await expect(Promise.all([flight.run('a', async () => 'A'), flight.run('b', async () => 'B')])).resolves.toEqual([
      'A',
      'B',
    ]);
  });

  it('property: in any interleaving, exactly one call per generation, and each caller gets its generation result', async () => {
    await fc.assert(
      fc.asyncProperty(fc.scheduler(), fc.integer({ min: 1, max: 12 }), async (s, callers) => {
        const flight = new SingleFlight<string, number>();
        let calls = 0;
        let generations = 0;
        const fn = (): Promise<number> => {
          const generation = ++calls;
          // Even generations fail, so errors are shared the same way as values.
          return s
            .schedule(Promise.resolve(generation), `call ${generation}`)
            .then((g) => (g % 2 === 0 ? Promise.reject(new Error(`gen ${g}`)) : g));
        };
        const outcomes = Array.from({ length: callers }, (_, i) =>
          s.schedule(Promise.resolve(i), `caller ${i}`).then(() => {
            const generation = flight.has('k') ? generations : ++generations;
            return flight.run('k', fn).then(
              (value) => ({ generation, got: String(value) }),
              (error: unknown) => ({ generation, got: (error as Error).message }),
            );
          }),
        );
        const settled = await s.waitFor(Promise.all(outcomes));
        expect(calls).toBe(generations);
        for (const { generation, got } of settled) {
          expect(got).toBe(generation % 2 === 0 ? `gen ${generation}` : String(generation));
        }
        expect(flight.size).toBe(0);
      }),
      { numRuns: 300 },
    );
  });
});
