import { sqlRows } from '@shelflink/database';
import { createTestDatabase, type TestDatabase } from '@shelflink/testing';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { PostgresTokenBucket, type QueryFn } from './postgres-token-bucket.limiter.js';
import { rateLimitFunctionsDownSql, rateLimitFunctionsSql, rateLimitTableSql } from './rate-limit.sql.js';
import { RateLimitWaitTooLong } from './resilience.errors.js';

const TABLE = 'sync.rate_limit_bucket';
const REPLICAS = 4;

let db: TestDatabase;
let pools: pg.Pool[];
let keySeq = 0;

const queryOf =
  (pool: pg.Pool): QueryFn =>
  async (sql, params) =>
    (await pool.query<Record<string, unknown>>(sql, params)).rows;

/** One bucket per pool, as each replica would build it. */
function replicas(capacity: number, refillPerSecond: number): PostgresTokenBucket[] {
  return pools.map(
    (pool) => new PostgresTokenBucket({ query: queryOf(pool), table: TABLE, defaults: { capacity, refillPerSecond } }),
  );
}

async function dbNow(pool: pg.Pool): Promise<number> {
  const { rows } = await pool.query<{ ms: number }>(
    'SELECT extract(epoch FROM clock_timestamp())::double precision * 1000 AS ms',
  );
  return rows[0]!.ms;
}

async function stillBlocked(pool: pg.Pool, key: string): Promise<boolean> {
  const { rows } = await pool.query<{ blocked: boolean }>(
    `SELECT coalesce(clock_timestamp() < blocked_until, false) AS blocked FROM ${TABLE} WHERE key = $1`,
    [key],
  );
  return rows[0]!.blocked;
}

async function row(key: string) {
  const { rows } = await pools[0]!.query(`SELECT tokens, capacity, refill_per_sec FROM ${TABLE} WHERE key = $1`, [key]);
  return rows[0] as { tokens: number; capacity: number; refill_per_sec: number };
}

const freshKey = () => `shopify:conn_${++keySeq}`;

beforeAll(async () => {
  db = await createTestDatabase('resilience');
  pools = Array.from({ length: REPLICAS }, () => {
    const pool = new pg.Pool({ connectionString: db.url, max: 5 });
    // An idle client killed by the server must not crash the test process; the next query reconnects.
    pool.on('error', () => undefined);
    return pool;
  });
  await pools[0]!.query('CREATE SCHEMA sync');
  await pools[0]!.query(rateLimitTableSql(TABLE));
  for (const statement of rateLimitFunctionsSql(TABLE)) await pools[0]!.query(statement);
});

afterAll(async () => {
  await Promise.all(pools.map((pool) => pool.end()));
  await db.drop();
});

describe('rateLimitTableSql', () => {
  it('refuses table names that are not plain identifiers', () => {
    expect(() => rateLimitTableSql('sync.bucket; DROP TABLE x')).toThrow(/identifier/);
    expect(
      () =>
        new PostgresTokenBucket({
          query: queryOf(pools[0]!),
          table: 'Sync."x"',
          defaults: { capacity: 1, refillPerSecond: 1 },
        }),
    ).toThrow();
    // Its functions' names (table + "_adjust") would be cut at Postgres's 63 characters.
    expect(() => rateLimitFunctionsSql(`sync.${'b'.repeat(57)}`)).toThrow(/identifier/);
  });

  it('creates its functions again over themselves (a later migration may), and drops them', async () => {
    const table = 'sync.rate_limit_again';
    await pools[0]!.query(rateLimitTableSql(table));
    for (let run = 0; run < 2; run += 1) {
      for (const statement of rateLimitFunctionsSql(table)) await pools[0]!.query(statement);
    }
    const functions = async () =>
      (
        await pools[0]!.query(`SELECT proname FROM pg_proc WHERE proname LIKE 'rate_limit_again%' ORDER BY proname`)
      ).rows.map((row: { proname: string }) => row.proname);
    expect(await functions()).toEqual(['rate_limit_again_adjust', 'rate_limit_again_take']);
    for (const statement of rateLimitFunctionsDownSql(table)) await pools[0]!.query(statement);
    expect(await functions()).toEqual([]);
  });

  it('can create an UNLOGGED variant', async () => {
    await pools[0]!.query(rateLimitTableSql('sync.rate_limit_unlogged', { unlogged: true }));
    const { rows } = await pools[0]!.query(`SELECT relpersistence FROM pg_class WHERE relname = 'rate_limit_unlogged'`);
    expect(rows).toEqual([{ relpersistence: 'u' }]);
  });
});

describe('PostgresTokenBucket', () => {
  it('creates a key full, grants up to capacity, then reports the refill wait', async () => {
    const [bucket] = replicas(3, 1);
    const key = freshKey();
    for (let i = 0; i < 3; i++) await expect(bucket!.tryTake(key)).resolves.toEqual({ granted: true, waitMs: 0 });
    const denied = await bucket!.tryTake(key);
    expect(denied.granted).toBe(false);
    expect(denied.waitMs).toBeGreaterThan(0);
    expect(denied.waitMs).toBeLessThanOrEqual(1000);
  });

  it('never spends a token twice: replicas bursting on one key get exactly the capacity', async () => {
    const buckets = replicas(50, 0);
    const key = freshKey();
    const attempts = buckets.flatMap((bucket) =>
      Array.from({ length: 10 }, async () => {
        let granted = 0;
        for (let i = 0; i < 10; i++) if ((await bucket.tryTake(key)).granted) granted++;
        return granted;
      }),
    );
    const granted = (await Promise.all(attempts)).reduce((a, b) => a + b, 0);
    expect(granted).toBe(50);
    await expect(row(key)).resolves.toMatchObject({ tokens: 0 });
  });

  it('sends the takes of one key that arrive together as few statements, and grants exactly the tokens there are', async () => {
    let statements = 0;
    const counted: QueryFn = async (sql, params) => {
      if (sql.includes('_take(')) statements++;
      return queryOf(pools[0]!)(sql, params);
    };
    const bucket = new PostgresTokenBucket({
      query: counted,
      table: TABLE,
      defaults: { capacity: 20, refillPerSecond: 0 },
    });
    const key = freshKey();
    await bucket.tryTake(key, 1);
    statements = 0;
    const results = await Promise.all(Array.from({ length: 60 }, () => bucket.tryTake(key)));
    expect(results.filter((result) => result.granted)).toHaveLength(19);
    // The first goes alone; the 59 that queued behind it go as one batch.
    expect(statements).toBe(2);
    expect(results.slice(0, 19).every((result) => result.granted)).toBe(true);
    expect(results.slice(19).every((result) => !result.granted && result.waitMs === Infinity)).toBe(true);
    await expect(row(key)).resolves.toMatchObject({ tokens: 0 });
  });

  it('grants a batch in arrival order and stops at the first cost that does not fit', async () => {
    const [bucket] = replicas(10, 0);
    const key = freshKey();
    await bucket!.tryTake(key, 4);
    // 6 left: 2 and 3 fit, 4 does not, and 1 after it waits its turn rather than jump the queue.
    const results = await Promise.all([2, 3, 4, 1].map((cost) => bucket!.tryTake(key, cost)));
    expect(results.map((result) => result.granted)).toEqual([true, true, false, false]);
    await expect(row(key)).resolves.toMatchObject({ tokens: 1 });
  });

  it('replicas hammering one key never get more than capacity + refill × elapsed (database clock)', async () => {
    const capacity = 10;
    const refill = 40;
    const buckets = replicas(capacity, refill);
    const key = freshKey();
    // From before the first take: the bucket may refill to full between that take and the hammering.
    const started = await dbNow(pools[0]!);
    await buckets[0]!.tryTake(key, 1);
    await buckets[0]!.configure(key, { capacity, refillPerSecond: refill });
    let granted = 1;
    let attempts = 0;
    const until = Date.now() + 700;
    await Promise.all(
      buckets.flatMap((bucket) =>
        Array.from({ length: 4 }, async () => {
          while (Date.now() < until) {
            attempts++;
            if ((await bucket.tryTake(key)).granted) granted++;
          }
        }),
      ),
    );
    const elapsedSec = ((await dbNow(pools[0]!)) - started) / 1000;
    expect(attempts).toBeGreaterThan(granted);
    expect(granted).toBeLessThanOrEqual(capacity + refill * elapsedSec);
    expect(granted).toBeGreaterThanOrEqual(capacity);
  });

  it('a Retry-After observed by one replica blocks every replica until it passes', async () => {
    const buckets = replicas(40, 50);
    const key = freshKey();
    await buckets[0]!.observe(key, { retryAfterMs: 400 });
    const waits = await Promise.all(buckets.map((bucket) => bucket.tryTake(key)));
    for (const wait of waits) {
      expect(wait.granted).toBe(false);
      expect(wait.waitMs).toBeGreaterThan(0);
      expect(wait.waitMs).toBeLessThanOrEqual(400);
    }
    let provenBlockedChecks = 0;
    let violations = 0;
    let grantedAfterBlock = false;
    for (let round = 0; !grantedAfterBlock && round < 2000; round++) {
      const replica = round % REPLICAS;
      const result = await buckets[replica]!.tryTake(key);
      // Checked after the take: if the block is still running now, it was running at the take too.
      const blocked = await stillBlocked(pools[replica]!, key);
      if (blocked) provenBlockedChecks++;
      if (result.granted && blocked) violations++;
      if (result.granted && !blocked) grantedAfterBlock = true;
    }
    expect(violations).toBe(0);
    expect(provenBlockedChecks).toBeGreaterThan(0);
    expect(grantedAfterBlock).toBe(true);
  });

  it('take() waits out a block, or refuses when the block outlasts maxWaitMs', async () => {
    const [bucket] = replicas(5, 10);
    const key = freshKey();
    await bucket!.observe(key, { retryAfterMs: 150 });
    await expect(bucket!.take(key, { maxWaitMs: 50 })).rejects.toBeInstanceOf(RateLimitWaitTooLong);
    await expect(bucket!.take(key, { maxWaitMs: 5000 })).resolves.toBeUndefined();
    await expect(stillBlocked(pools[0]!, key)).resolves.toBe(false);
  });

  it('adapts to Shopify call limits and GraphQL throttle status, and to configure()', async () => {
    const [bucket] = replicas(40, 2);
    const key = freshKey();
    await bucket!.observe(key, { callLimit: { used: 38, limit: 40 } });
    const afterCallLimit = await row(key);
    expect(afterCallLimit.capacity).toBe(40);
    expect(afterCallLimit.tokens).toBeGreaterThanOrEqual(2);
    expect(afterCallLimit.tokens).toBeLessThan(2.5);

    await bucket!.observe(key, { throttleStatus: { currentlyAvailable: 1, maximumAvailable: 1000, restoreRate: 50 } });
    await expect(row(key)).resolves.toMatchObject({ capacity: 1000, refill_per_sec: 50 });
    expect((await row(key)).tokens).toBeLessThan(2);

    await bucket!.configure(key, { capacity: 1, refillPerSecond: 0.5 });
    const configured = await row(key);
    expect(configured).toMatchObject({ capacity: 1, refill_per_sec: 0.5 });
    expect(configured.tokens).toBeLessThanOrEqual(1);
  });

  it('observing a key nobody used yet creates it already adjusted', async () => {
    const [bucket] = replicas(40, 2);
    const key = freshKey();
    await bucket!.observe(key, { retryAfterMs: 60_000 });
    await expect(row(key)).resolves.toMatchObject({ tokens: 0, capacity: 40 });
    await expect(bucket!.tryTake(key)).resolves.toMatchObject({ granted: false });
  });

  it('decides on the database clock: a replica with a skewed local clock gets the same answers', async () => {
    const skewed = new PostgresTokenBucket({
      query: queryOf(pools[1]!),
      table: TABLE,
      defaults: { capacity: 2, refillPerSecond: 1 },
      now: () => Date.now() + 10 * 60 * 1000,
    });
    const [normal] = replicas(2, 1);
    const key = freshKey();
    await expect(skewed.tryTake(key)).resolves.toMatchObject({ granted: true });
    await expect(normal!.tryTake(key)).resolves.toMatchObject({ granted: true });
    await expect(skewed.tryTake(key)).resolves.toMatchObject({ granted: false });
    await expect(normal!.tryTake(key)).resolves.toMatchObject({ granted: false });
  });

  it('works through a TypeORM DataSource', async () => {
    const dataSource = new DataSource({ type: 'postgres', url: db.url });
    await dataSource.initialize();
    try {
      const bucket = new PostgresTokenBucket({
        query: (sql, params) => sqlRows(dataSource, sql, params),
        table: TABLE,
        defaults: { capacity: 1, refillPerSecond: 0.001 },
      });
      const key = freshKey();
      await expect(bucket.tryTake(key)).resolves.toEqual({ granted: true, waitMs: 0 });
      await expect(bucket.tryTake(key)).resolves.toMatchObject({ granted: false });
      await bucket.observe(key, { retryAfterMs: 1000 });
      await expect(bucket.tryTake(key)).resolves.toMatchObject({ granted: false });
    } finally {
      await dataSource.destroy();
    }
  });

  it('refuses a query function that does not return the rows (DataSource.query answers an UPDATE with [rows, count])', async () => {
    const countedRows: QueryFn = async (sql, params) => [await queryOf(pools[0]!)(sql, params), 1];
    const bucket = new PostgresTokenBucket({
      query: countedRows,
      table: TABLE,
      defaults: { capacity: 1, refillPerSecond: 1 },
    });
    await expect(bucket.tryTake(freshKey())).rejects.toThrow(/must return the statement rows/);
  });
});
