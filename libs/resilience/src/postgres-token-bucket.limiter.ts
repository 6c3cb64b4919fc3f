import type { RateSignals } from '@shelflink/providers';
import { KeyedBatcher } from './keyed-batcher.js';
import { adjustSql, assertTableName, createKeySql, takeSql } from './rate-limit.sql.js';
import {
  adjustmentFor,
  assertValidConfig,
  assertValidCost,
  defaultSleep,
  takeWithWait,
  waitBeforeGrant,
  type BucketAdjustment,
  type BucketConfig,
  type Sleep,
  type TakeOptions,
  type TakeResult,
  type TokenBucket,
} from './token-bucket.port.js';

/**
 * The one database capability the bucket needs: run a statement, return its rows. For a pg.Pool:
 * `async (sql, params) => (await pool.query(sql, params)).rows`; for a TypeORM DataSource: `sqlRows` of
 * `@shelflink/database` (not `dataSource.query()`, which answers UPDATE with `[rows, rowCount]`). Each call must run
 * as its own statement (autocommit), not inside a long transaction.
 */
export type QueryFn = (sql: string, params: unknown[]) => Promise<unknown[]>;

/** Options of {@link PostgresTokenBucket}. */
export interface PostgresTokenBucketOptions {
  query: QueryFn;
  /** Schema-qualified table created with `rateLimitTableSql` and `rateLimitFunctionsSql`, e.g. `sync.rate_limit_bucket`. */
  table: string;
  /** Size and refill of a key nobody configured yet; a new key starts full. */
  defaults: BucketConfig;
  /** Local clock used only to bound the total wait of `take()`; refills use the database clock. */
  now?: () => number;
  sleep?: Sleep;
}

interface TakeRow {
  /** How many of the batch's takes, from the first, were granted. */
  granted: number;
  /** Tokens they spent. */
  spent: number;
  avail: number;
  capacity: number;
  refill_per_sec: number;
  blocked_ms: number;
}

/**
 * Token bucket whose budget per key is shared by every replica: one row per key, refilled and taken by one
 * atomic statement on the database clock. Chosen over NATS KV: a KV bucket needs a read-modify-write loop
 * with compare-and-set retries, which degrades exactly when many replicas contend for one hot key, while
 * Postgres queues them on the row lock (measured in bench/limiter.bench.ts). Takes of one key that arrive while its
 * statement is in flight go out together as the next statement: the row is locked per take anyway, and one statement
 * for many requests is what lets a busy proxy keep up (bench proxy). A take is granted only when its tokens are spent
 * for it, so the shared budget stays exact.
 */
export class PostgresTokenBucket implements TokenBucket {
  private readonly now: () => number;
  private readonly sleep: Sleep;
  private readonly takes = new KeyedBatcher<number, TakeResult>((key, costs) => this.takeBatch(key, costs));
  /** Built once: every provider call runs the take, and every rate signal the adjust. */
  private readonly sql: { take: string; adjust: string; createKey: string };

  constructor(private readonly options: PostgresTokenBucketOptions) {
    assertTableName(options.table);
    assertValidConfig(options.defaults);
    this.sql = {
      take: takeSql(options.table),
      adjust: adjustSql(options.table),
      createKey: createKeySql(options.table),
    };
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? defaultSleep;
  }

  /** Takes `cost` tokens if the key is not blocked and has them; otherwise says how long to wait. */
  tryTake(key: string, cost = 1): Promise<TakeResult> {
    assertValidCost(cost);
    return this.takes.call(key, cost);
  }

  /** Waits until `cost` tokens are granted, or throws `RateLimitWaitTooLong` / the signal's abort reason. */
  take(key: string, options: TakeOptions): Promise<void> {
    return takeWithWait((k, cost) => this.tryTake(k, cost), key, options, { now: this.now, sleep: this.sleep });
  }

  /** Adapts the shared bucket to what the provider announced; a Retry-After blocks every replica. */
  async observe(key: string, signals: RateSignals): Promise<void> {
    await this.adjust(key, adjustmentFor(signals));
  }

  /** Sets the key's capacity and refill rate (tokens are clipped to the new capacity, never raised). */
  async configure(key: string, config: BucketConfig): Promise<void> {
    assertValidConfig(config);
    await this.adjust(key, { capacity: config.capacity, refillPerSecond: config.refillPerSecond });
  }

  private async adjust(key: string, adjustment: BucketAdjustment): Promise<void> {
    const { capacity, refillPerSecond } = this.options.defaults;
    await this.options.query(this.sql.adjust, [
      key,
      capacity,
      refillPerSecond,
      adjustment.retryAfterMs ?? null,
      adjustment.capacity ?? null,
      adjustment.refillPerSecond ?? null,
      adjustment.tokensCeiling ?? null,
    ]);
  }

  private async takeBatch(key: string, costs: number[]): Promise<TakeResult[]> {
    let row = await this.takeOnce(key, costs);
    if (!row) {
      const { capacity, refillPerSecond } = this.options.defaults;
      await this.options.query(this.sql.createKey, [key, capacity, refillPerSecond]);
      row = await this.takeOnce(key, costs);
    }
    if (!row) throw new Error('Rate-limit bucket row vanished while taking a token');
    const { granted, spent, avail, blocked_ms: blockedMs } = row;
    const config = { capacity: row.capacity, refillPerSecond: row.refill_per_sec };
    // The ones not granted wait for their own cost from what the granted ones left (each polls again on its own).
    return costs.map((cost, i) =>
      i < granted
        ? { granted: true, waitMs: 0 }
        : { granted: false, waitMs: Math.max(1, waitBeforeGrant(avail - spent, cost, config, blockedMs)) },
    );
  }

  private async takeOnce(key: string, costs: number[]): Promise<TakeRow | undefined> {
    const rows = await this.options.query(this.sql.take, [key, costs]);
    return rows.length === 0 ? undefined : parseTakeRow(rows[0]);
  }
}

function parseTakeRow(row: unknown): TakeRow {
  if (typeof row !== 'object' || row === null || Array.isArray(row) || !('granted' in row)) {
    throw new Error('Unexpected rate-limit row: the query function must return the statement rows');
  }
  const r = row as Record<string, unknown>;
  return {
    granted: toNumber(r.granted),
    spent: toNumber(r.spent),
    avail: toNumber(r.avail),
    capacity: toNumber(r.capacity),
    refill_per_sec: toNumber(r.refill_per_sec),
    blocked_ms: toNumber(r.blocked_ms),
  };
}

// Drivers may return double precision as a string (e.g. with custom type parsers).
function toNumber(value: unknown): number {
  const n = typeof value === 'number' ? value : Number(value);
  if (Number.isNaN(n)) throw new Error('Unexpected non-numeric value in rate-limit row');
  return n;
}
