import { sqlRows } from '@shelflink/database';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';

/** Gives a held slot back. */
export type ReleaseSlot = () => void;

// A waiting request asks again this often; one that finds a slot never waits.
const POLL_MS = 15;
const NOTHING = (): void => undefined;

const CLAIM = `UPDATE "sync"."provider_slots" s SET "holder" = $3, "expires_at" = now() + $4 * interval '1 millisecond'
  FROM (SELECT "slot" FROM "sync"."provider_slots"
         WHERE "key" = $1 AND "slot" < $2 AND ("holder" IS NULL OR "expires_at" < now())
         ORDER BY "slot" LIMIT 1 FOR UPDATE SKIP LOCKED) free
  WHERE s."key" = $1 AND s."slot" = free."slot" RETURNING s."slot"`;

/**
 * A provider account's concurrency budget shared by every replica (Postgres rows, one per slot): a request holds a
 * slot from before it is sent until its body is read, so the account never has more than `max` in flight.
 */
export class ProviderSlots {
  private readonly created = new Set<string>();
  private readonly holder = randomUUID();

  constructor(
    private readonly dataSource: DataSource,
    /** How long a slot outlives a holder that died (longer than any one request may take). */
    private readonly ttlMs: number,
  ) {}

  /** Waits for a slot of `key` (at most `max` held at once) and returns its release. */
  async acquire(key: string, max: number, signal?: AbortSignal): Promise<ReleaseSlot> {
    await this.ensure(key, max);
    for (;;) {
      const [row] = await sqlRows<{ slot: number }>(this.dataSource, CLAIM, [key, max, this.holder, this.ttlMs]);
      if (row) return this.releaser(key, row.slot);
      signal?.throwIfAborted();
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }

  private releaser(key: string, slot: number): ReleaseSlot {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      void sqlRows(
        this.dataSource,
        `UPDATE "sync"."provider_slots" SET "holder" = NULL, "expires_at" = NULL WHERE "key" = $1 AND "slot" = $2 AND "holder" = $3`,
        [key, slot, this.holder],
      ).catch(NOTHING);
    };
  }

  private async ensure(key: string, max: number): Promise<void> {
    if (this.created.has(`${key}\n${max}`)) return;
    await sqlRows(
      this.dataSource,
      `INSERT INTO "sync"."provider_slots" ("key", "slot") SELECT $1, g FROM generate_series(0, $2 - 1) g ON CONFLICT DO NOTHING`,
      [key, max],
    );
    this.created.add(`${key}\n${max}`);
  }
}

/** No budget: nothing to hold. */
export const NO_SLOT: ReleaseSlot = NOTHING;
