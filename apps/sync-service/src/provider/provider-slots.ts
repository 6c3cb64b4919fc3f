import { sqlRows } from '@shelflink/database';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';

/** Gives a held slot back. */
export type ReleaseSlot = () => void;

// A waiting request asks again this often; one that finds a slot never waits.
const POLL_MS = 15;
// A released slot waits this long for this replica's next request of the account (a chain's next page follows its
// body by a rate-limit take) before it goes back to the shared budget: the next page then costs no claim round trip.
const PARK_MS = 150;
const NOTHING = (): void => undefined;

const CLAIM = `UPDATE "sync"."provider_slots" s SET "holder" = $3, "expires_at" = now() + $4 * interval '1 millisecond'
  FROM (SELECT "slot" FROM "sync"."provider_slots"
         WHERE "key" = $1 AND "slot" < $2 AND ("holder" IS NULL OR "expires_at" < now())
         ORDER BY "slot" LIMIT 1 FOR UPDATE SKIP LOCKED) free
  WHERE s."key" = $1 AND s."slot" = free."slot" RETURNING s."slot"`;

/** How a released slot is kept for this replica's next request of the account. */
export interface SlotKeeping {
  /** The longest one request may hold a slot: a kept slot starts another only with this much of its claim left. */
  readonly longestHoldMs?: number;
  /** How long a released slot waits for the next request. */
  readonly parkMs?: number;
}

/** A slot this replica holds: its expiry was set `ttlMs` after `claimedAt` (or later: the clock read comes first). */
interface Held {
  readonly key: string;
  readonly slot: number;
  readonly claimedAt: number;
}

/**
 * A provider account's concurrency budget shared by every replica (Postgres rows, one per slot): a request holds a
 * slot from before it is sent until its body is read, so the account never has more than `max` in flight.
 */
export class ProviderSlots {
  private readonly created = new Set<string>();
  private readonly holder = randomUUID();
  private readonly parked = new Map<Held, NodeJS.Timeout>();

  constructor(
    private readonly dataSource: DataSource,
    /** How long a slot outlives a holder that died (longer than any one request may take). */
    private readonly ttlMs: number,
    private readonly keep: SlotKeeping = {},
  ) {}

  /** Waits for a slot of `key` (at most `max` held at once) and returns its release. */
  async acquire(key: string, max: number, signal?: AbortSignal): Promise<ReleaseSlot> {
    const kept = this.unpark(key, max);
    if (kept) return this.releaser(kept);
    await this.ensure(key, max);
    for (;;) {
      const claimedAt = Date.now();
      const [row] = await sqlRows<{ slot: number }>(this.dataSource, CLAIM, [key, max, this.holder, this.ttlMs]);
      if (row) return this.releaser({ key, slot: row.slot, claimedAt });
      signal?.throwIfAborted();
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }

  /** Gives every parked slot back at once (shutdown). */
  async releaseParked(): Promise<void> {
    const held = [...this.parked.keys()];
    for (const [, timer] of this.parked) clearTimeout(timer);
    this.parked.clear();
    await Promise.all(held.map((slot) => this.giveBack(slot)));
  }

  private unpark(key: string, max: number): Held | undefined {
    for (const [held, timer] of this.parked) {
      if (held.key !== key || held.slot >= max || !this.reusable(held)) continue;
      clearTimeout(timer);
      this.parked.delete(held);
      return held;
    }
    return undefined;
  }

  // A parked slot keeps its claim's expiry; it starts a request only if no request could outlive that expiry.
  private reusable(held: Held): boolean {
    return held.claimedAt + this.ttlMs - Date.now() > (this.keep.longestHoldMs ?? this.ttlMs / 2);
  }

  private releaser(held: Held): ReleaseSlot {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      if (!this.reusable(held)) return void this.giveBack(held);
      const timer = setTimeout(() => {
        this.parked.delete(held);
        void this.giveBack(held);
      }, this.keep.parkMs ?? PARK_MS);
      timer.unref();
      this.parked.set(held, timer);
    };
  }

  private giveBack({ key, slot }: Held): Promise<void> {
    return sqlRows(
      this.dataSource,
      `UPDATE "sync"."provider_slots" SET "holder" = NULL, "expires_at" = NULL WHERE "key" = $1 AND "slot" = $2 AND "holder" = $3`,
      [key, slot, this.holder],
    ).then(NOTHING, NOTHING);
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
