// Throughput of PostgresTokenBucket.tryTake from 4 concurrent clients (one pg.Pool each, as 4 replicas).
// Why Postgres and not NATS KV: a KV bucket has no atomic "refill, compare, take"; each take would be
// get → compute → update(revision) with a retry loop on revision conflicts, and on one hot key (one shop
// synced by every replica) conflicts grow with the number of replicas. Postgres queues takes on the row lock
// and needs one round trip per take. This script measures that one round trip under contention.
//
// Run: node --import @swc-node/register/esm-register libs/resilience/bench/limiter.bench.ts
// (any ESM TypeScript runner works; it imports nothing but pg and this lib).
// Env: TEST_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres), BENCH_SECONDS (default 3).
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { PostgresTokenBucket, rateLimitFunctionsSql, rateLimitTableSql } from '../src/index.js';

const CLIENTS = 4;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const SERVER = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

interface Scenario {
  name: string;
  table: string;
  /** Key a client uses: one hot key shared by all, or one key per client. */
  keyFor: (client: number) => string;
}

async function runScenario(pools: pg.Pool[], scenario: Scenario): Promise<{ takesPerSec: number; p99Ms: number }> {
  const until = Date.now() + SECONDS * 1000;
  const latencies: number[] = [];
  await Promise.all(
    pools.map(async (pool, client) => {
      // Huge capacity and refill: every call is a granted, written take (the expensive path).
      const bucket = new PostgresTokenBucket({
        query: async (sql, params) => (await pool.query<Record<string, unknown>>(sql, params)).rows,
        table: scenario.table,
        defaults: { capacity: 1e12, refillPerSecond: 1e9 },
      });
      while (Date.now() < until) {
        const started = performance.now();
        await bucket.tryTake(scenario.keyFor(client));
        latencies.push(performance.now() - started);
      }
    }),
  );
  latencies.sort((a, b) => a - b);
  return {
    takesPerSec: Math.round(latencies.length / SECONDS),
    p99Ms: Number((latencies[Math.floor(latencies.length * 0.99)] ?? 0).toFixed(2)),
  };
}

async function main(): Promise<void> {
  const name = `bench_limiter_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: SERVER });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  const url = new URL(SERVER);
  url.pathname = `/${name}`;
  // One connection per client: each pool is one replica taking tokens in a loop.
  const pools = Array.from({ length: CLIENTS }, () => new pg.Pool({ connectionString: url.toString(), max: 1 }));
  try {
    await pools[0]!.query('CREATE SCHEMA sync');
    await pools[0]!.query(rateLimitTableSql('sync.bucket'));
    await pools[0]!.query(rateLimitTableSql('sync.bucket_unlogged', { unlogged: true }));
    for (const table of ['sync.bucket', 'sync.bucket_unlogged']) {
      for (const statement of rateLimitFunctionsSql(table)) await pools[0]!.query(statement);
    }
    const scenarios: Scenario[] = [
      { name: 'one hot key, logged', table: 'sync.bucket', keyFor: () => 'shopify:hot' },
      { name: 'one key per client, logged', table: 'sync.bucket', keyFor: (c) => `shopify:c${c}` },
      { name: 'one hot key, unlogged', table: 'sync.bucket_unlogged', keyFor: () => 'shopify:hot' },
    ];
    for (const scenario of scenarios) {
      const result = await runScenario(pools, scenario);
      process.stdout.write(
        `${scenario.name}: ${result.takesPerSec} takes/s, p99 ${result.p99Ms} ms (${CLIENTS} clients)\n`,
      );
    }
  } finally {
    await Promise.all(pools.map((pool) => pool.end()));
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.end();
  }
}

await main();
