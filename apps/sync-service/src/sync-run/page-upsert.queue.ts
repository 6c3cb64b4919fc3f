import type { CanonicalRecord } from '../pullers/puller.port.js';

/**
 * Writes a page's batches one statement at a time, in order. Batches that arrive while a statement runs wait and go
 * together in the next one, so when Postgres is the slower side a page takes fewer, larger statements (each costs a
 * round trip, a plan and, for products, its identity statements); when parsing is, nothing changes. The reader is held
 * back only once `maxWaiting` records wait.
 */
export class PageUpsertQueue {
  private waiting: CanonicalRecord[] = [];
  private writing?: Promise<void>;
  private pumping = false;
  private failure?: { error: unknown };

  constructor(
    private readonly write: (records: CanonicalRecord[]) => Promise<void>,
    private readonly maxWaiting: number,
  ) {}

  /** Queues a batch; resolves at once unless `maxWaiting` records already wait. Rejects once a write failed. */
  async add(batch: readonly CanonicalRecord[]): Promise<void> {
    this.throwIfFailed();
    this.waiting.push(...batch);
    if (!this.pumping) void this.pump();
    while (this.pumping && this.waiting.length >= this.maxWaiting) {
      await this.writing?.catch(() => undefined);
      this.throwIfFailed();
    }
  }

  /** Resolves once every queued record is written; rejects with the first write's failure. */
  async drain(): Promise<void> {
    while (this.pumping) await this.writing?.catch(() => undefined);
    this.throwIfFailed();
  }

  /** Drops the records still waiting and resolves once no write runs (the page failed; its transaction rolls back). */
  async abandon(): Promise<void> {
    this.waiting = [];
    while (this.pumping) await this.writing?.catch(() => undefined);
  }

  private async pump(): Promise<void> {
    this.pumping = true;
    try {
      while (this.waiting.length > 0 && !this.failure) {
        const records = this.waiting;
        this.waiting = [];
        this.writing = this.write(records);
        await this.writing;
      }
    } catch (error) {
      this.failure = { error };
    } finally {
      this.pumping = false;
    }
  }

  private throwIfFailed(): void {
    if (this.failure) throw this.failure.error;
  }
}
