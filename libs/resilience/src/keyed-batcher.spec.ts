import { KeyedBatcher } from './keyed-batcher.js';

/** A batch function whose calls the test releases by hand, recording what each batch held. */
function heldBatches() {
  const batches: { key: string; inputs: number[]; release: (error?: Error) => void }[] = [];
  const run = (key: string, inputs: number[]) =>
    new Promise<number[]>((resolve, reject) => {
      batches.push({
        key,
        inputs,
        release: (error) => (error ? reject(error) : resolve(inputs.map((input) => input * 10))),
      });
    });
  return { batches, run };
}

describe('KeyedBatcher', () => {
  it('runs a lone call at once, and the calls that arrive while it is in flight as one next batch', async () => {
    const { batches, run } = heldBatches();
    const batcher = new KeyedBatcher(run);
    const first = batcher.call('a', 1);
    const queued = [2, 3, 4].map((input) => batcher.call('a', input));
    expect(batches.map((batch) => batch.inputs)).toEqual([[1]]);
    batches[0]!.release();
    await expect(first).resolves.toBe(10);
    expect(batches.map((batch) => batch.inputs)).toEqual([[1], [2, 3, 4]]);
    batches[1]!.release();
    await expect(Promise.all(queued)).resolves.toEqual([20, 30, 40]);
  });

  it('keeps keys apart and splits a long queue at maxBatch', async () => {
    const { batches, run } = heldBatches();
    const batcher = new KeyedBatcher(run, 2);
    const calls = [batcher.call('a', 1), batcher.call('b', 5), batcher.call('a', 2), batcher.call('a', 3)];
    calls.push(batcher.call('a', 4));
    expect(batches.map((batch) => [batch.key, batch.inputs])).toEqual([
      ['a', [1]],
      ['b', [5]],
    ]);
    batches[0]!.release();
    await calls[0];
    batches[2]!.release();
    await calls[2];
    batches[3]!.release();
    batches[1]!.release();
    await expect(Promise.all(calls)).resolves.toEqual([10, 50, 20, 30, 40]);
    expect(batches.map((batch) => [batch.key, batch.inputs])).toEqual([
      ['a', [1]],
      ['b', [5]],
      ['a', [2, 3]],
      ['a', [4]],
    ]);
  });

  it('rejects only the failed batch; the next batch still runs', async () => {
    const { batches, run } = heldBatches();
    const batcher = new KeyedBatcher(run);
    const failed = batcher.call('a', 1);
    const later = batcher.call('a', 2);
    batches[0]!.release(new Error('database down'));
    await expect(failed).rejects.toThrow('database down');
    batches[1]!.release();
    await expect(later).resolves.toBe(20);
  });
});
