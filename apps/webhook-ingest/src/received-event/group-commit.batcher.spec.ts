import { GroupCommitBatcher } from './group-commit.batcher.js';

describe('GroupCommitBatcher', () => {
  const endOfTurn = () => new Promise((resolve) => setImmediate(resolve));

  it('writes what one turn submitted together, and groups what arrives while a write is in flight', async () => {
    const writes: number[][] = [];
    const gates: (() => void)[] = [];
    const batcher = new GroupCommitBatcher<number, string>(async (items) => {
      writes.push([...items]);
      await new Promise<void>((resolve) => gates.push(resolve));
      return items.map((item) => `ok-${item}`);
    }, 1);
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

  it('rejects every submission of a failed write and keeps going with the next', async () => {
    let fail = true;
    const batcher = new GroupCommitBatcher<number, number>(async (items) => {
      if (fail) throw new Error('database down');
      return items;
    });
    await expect(batcher.submit(1)).rejects.toThrow('database down');
    fail = false;
    await expect(batcher.submit(2)).resolves.toBe(2);
  });

  it('caps a batch at maxBatch items', async () => {
    const sizes: number[] = [];
    const batcher = new GroupCommitBatcher<number, number>(
      async (items) => {
        sizes.push(items.length);
        await new Promise((resolve) => setTimeout(resolve, 5));
        return items;
      },
      1,
      3,
    );
    await Promise.all(Array.from({ length: 8 }, (_, i) => batcher.submit(i)));
    expect(sizes).toEqual([3, 3, 2]);
  });
});
