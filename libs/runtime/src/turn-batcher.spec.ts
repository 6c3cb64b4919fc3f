import { TurnBatcher } from './turn-batcher.js';

describe('TurnBatcher', () => {
  const endOfTurn = () => new Promise((resolve) => setImmediate(resolve));

  it('writes what one turn submitted together, and groups what arrives while a write is in flight', async () => {
    const writes: number[][] = [];
    const gates: (() => void)[] = [];
    const batcher = new TurnBatcher<number, string>(
      async (items) => {
        writes.push([...items]);
        await new Promise<void>((resolve) => gates.push(resolve));
        return items.map((item) => `ok-${item}`);
      },
      { maxItems: 200, maxInFlight: 1 },
    );
    const first = [1, 2].map((item) => batcher.submit(item));
    expect(writes).toEqual([]);
    await endOfTurn();
    expect(writes).toEqual([[1, 2]]);
    const rest = [3, 4, 5].map((item) => batcher.submit(item));
    await endOfTurn();
    expect(writes).toEqual([[1, 2]]);
    gates.shift()?.();
    await expect(Promise.all(first)).resolves.toEqual(['ok-1', 'ok-2']);
    await endOfTurn();
    expect(writes).toEqual([
      [1, 2],
      [3, 4, 5],
    ]);
    gates.shift()?.();
    await expect(Promise.all(rest)).resolves.toEqual(['ok-3', 'ok-4', 'ok-5']);
  });

  it('without an in-flight limit, writes every batch of a turn at its end without waiting for the others', async () => {
    const writes: number[][] = [];
    const batcher = new TurnBatcher<number, number>(
      async (items) => {
        writes.push([...items]);
        return new Promise<number[]>(() => undefined);
      },
      { maxItems: 2 },
    );
    [1, 2, 3, 4, 5].forEach((item) => void batcher.submit(item));
    await endOfTurn();
    expect(writes).toEqual([[1, 2], [3, 4], [5]]);
  });

  it('rejects every submission of a failed write and keeps going with the next', async () => {
    let fail = true;
    const batcher = new TurnBatcher<number, number>(
      async (items) => {
        if (fail) throw new Error('database down');
        return items;
      },
      { maxItems: 10 },
    );
    await expect(batcher.submit(1)).rejects.toThrow('database down');
    fail = false;
    await expect(batcher.submit(2)).resolves.toBe(2);
  });

  it('rejects a submission the write did not answer, and settles the others with their own results', async () => {
    const batcher = new TurnBatcher<number, number>(async (items) => items.slice(0, 1), { maxItems: 10 });
    const [first, second] = [batcher.submit(7), batcher.submit(8)];
    await expect(first).resolves.toBe(7);
    await expect(second).rejects.toThrow('the batch answered 1 of 2 items');
  });

  it('caps a batch at maxItems and at maxWeight; an item heavier than maxWeight goes alone', async () => {
    const sizes: number[] = [];
    const batcher = new TurnBatcher<number, number>(
      async (items) => {
        sizes.push(items.length);
        return items;
      },
      { maxItems: 3, maxInFlight: 1, weigh: (item) => item, maxWeight: () => 100 },
    );
    await Promise.all([40, 40, 40, 500, 1, 1, 1, 1].map((item) => batcher.submit(item)));
    expect(sizes).toEqual([2, 1, 1, 3, 1]);
  });
});
