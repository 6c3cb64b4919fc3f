import type { CanonicalRecord } from '../pullers/puller.port.js';
import { canonicalRecord } from './canonical-record.factory.js';
import { PageUpsertQueue } from './page-upsert.queue.js';

const record = (n: number): CanonicalRecord => canonicalRecord(n, { n });
const batch = (from: number, size: number) => Array.from({ length: size }, (_, i) => record(from + i));

/** A write that finishes when the test says so, recording what each statement carried. */
function controlledWrites() {
  const statements: string[][] = [];
  const finish: (() => void)[] = [];
  const fail: ((error: Error) => void)[] = [];
  const write = (records: CanonicalRecord[]) => {
    statements.push(records.map((r) => r.externalId));
    return new Promise<void>((resolve, reject) => {
      finish.push(resolve);
      fail.push(reject);
    });
  };
  return { statements, finish, fail, write };
}

describe('PageUpsertQueue', () => {
  it('writes the batches that arrive while a statement runs together in the next one, in order', async () => {
    const writes = controlledWrites();
    const queue = new PageUpsertQueue(writes.write, 10);

    await queue.add(batch(0, 2));
    await queue.add(batch(2, 2));
    await queue.add(batch(4, 1));
    expect(writes.statements).toEqual([['R0', 'R1']]);

    writes.finish[0]?.();
    const drained = queue.drain();
    await Promise.resolve();
    expect(writes.statements).toEqual([
      ['R0', 'R1'],
      ['R2', 'R3', 'R4'],
    ]);
    writes.finish[1]?.();
    await expect(drained).resolves.toBeUndefined();
  });

  it('holds the reader back once maxWaiting records wait', async () => {
    const writes = controlledWrites();
    const queue = new PageUpsertQueue(writes.write, 3);
    await queue.add(batch(0, 1));
    let added = false;
    const adding = queue.add(batch(1, 3)).then(() => (added = true));
    await Promise.resolve();
    expect(added).toBe(false);

    writes.finish[0]?.();
    await adding;
    expect(writes.statements).toEqual([['R0'], ['R1', 'R2', 'R3']]);
    writes.finish[1]?.();
    await queue.drain();
  });

  it('rejects the next add and the drain with the failure, writing nothing after it', async () => {
    const writes = controlledWrites();
    const queue = new PageUpsertQueue(writes.write, 10);
    await queue.add(batch(0, 1));
    await queue.add(batch(1, 1));
    writes.fail[0]?.(new Error('deadlock'));

    await expect(queue.drain()).rejects.toThrow('deadlock');
    await expect(queue.add(batch(2, 1))).rejects.toThrow('deadlock');
    expect(writes.statements).toEqual([['R0']]);
  });

  it('abandon drops what waits and resolves once the running statement is done', async () => {
    const writes = controlledWrites();
    const queue = new PageUpsertQueue(writes.write, 10);
    await queue.add(batch(0, 1));
    await queue.add(batch(1, 1));
    let abandoned = false;
    const abandoning = queue.abandon().then(() => (abandoned = true));
    await Promise.resolve();
    expect(abandoned).toBe(false);

    writes.finish[0]?.();
    await abandoning;
    expect(writes.statements).toEqual([['R0']]);
  });
});
