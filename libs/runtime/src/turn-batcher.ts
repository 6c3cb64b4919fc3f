import { EndOfTurn } from './end-of-turn.js';

export interface TurnBatcherOptions<I> {
  /** Items one batch carries at most. */
  maxItems: number;
  /** Batches written at once; what arrives meanwhile goes in the next batch once one finishes. Default: no limit. */
  maxInFlight?: number;
  /** An item's weight (bytes) and the most one batch may weigh; a heavier item goes alone. Default: no limit. */
  weigh?: (item: I) => number;
  maxWeight?: () => number;
}

interface Queued<I, O> {
  item: I;
  weight: number;
  resolve: (value: O) => void;
  reject: (error: unknown) => void;
}

/**
 * The intake path's one batching primitive: items submitted during an event-loop turn (what one turn's socket reads
 * brought) are written together when the turn ends, never later unless `maxInFlight` writes are still running. Each
 * submission settles with its own result, and only after the write that carried it finished: a failed write rejects
 * its items, a missing result rejects its item, and the next batch goes on regardless.
 */
export class TurnBatcher<I, O> {
  private queue: Queued<I, O>[] = [];
  private inFlight = 0;
  private readonly drainAtTurnEnd = new EndOfTurn(() => this.drain());
  private readonly maxInFlight: number;

  constructor(
    private readonly write: (items: readonly I[]) => Promise<readonly O[]>,
    private readonly options: TurnBatcherOptions<I>,
  ) {
    this.maxInFlight = options.maxInFlight ?? Number.POSITIVE_INFINITY;
  }

  submit(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.queue.push({ item, weight: this.options.weigh?.(item) ?? 0, resolve, reject });
      this.drainAtTurnEnd.schedule();
    });
  }

  private drain(): void {
    while (this.inFlight < this.maxInFlight && this.queue.length > 0) {
      const batch = this.takeBatch();
      this.inFlight++;
      this.write(batch.map((entry) => entry.item))
        .then(
          (results) =>
            batch.forEach((entry, i) =>
              i < results.length
                ? entry.resolve(results[i] as O)
                : entry.reject(new Error(`the batch answered ${results.length} of ${batch.length} items`)),
            ),
          (error: unknown) => batch.forEach((entry) => entry.reject(error)),
        )
        .finally(() => {
          this.inFlight--;
          this.drain();
        });
    }
  }

  private takeBatch(): Queued<I, O>[] {
    const maxWeight = this.options.maxWeight?.() ?? Number.POSITIVE_INFINITY;
    let count = 0;
    let weight = 0;
    for (const entry of this.queue) {
      if (count === this.options.maxItems || (count > 0 && weight + entry.weight > maxWeight)) break;
      count++;
      weight += entry.weight;
    }
    return this.queue.splice(0, count);
  }
}
