// Floor for bulk writes: plain multi-row INSERT ... ON CONFLICT (id) DO UPDATE in batches, one statement per batch,
// into a throw-away table shaped like a canonical record (10 columns). The sync bench compares records/s with it.
import pg from 'pg';
import { postgresCpuSeconds } from '../lib/cpu-time.mjs';
import { median } from '../lib/stats.mjs';

const columns = [
  'id',
  'tenant_id',
  'connection_id',
  'external_id',
  'status',
  'currency',
  'total_minor',
  'source_version',
  'payload',
  'updated_at',
];

/**
 * Returns `{ rowsPerSecond, postgresCpuSeconds, rounds: [...] }`, medians over `rounds` of upserting `rows` rows `batchSize` at a time.
 * `payloads` (optional, one JSON text per row, built before the clock starts) replaces the ~20-byte default payload.
 */
export async function batchedUpsertFloor({
  databaseUrl,
  rows = 100_000,
  batchSize = 500,
  rounds = 3,
  schema = 'bench_floor',
  payloads,
}) {
  const client = new pg.Client({ connectionString: databaseUrl, application_name: 'bench-floor' });
  await client.connect();
  try {
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    await client.query(`DROP TABLE IF EXISTS ${schema}.upsert_floor`);
    await client.query(
      `CREATE TABLE ${schema}.upsert_floor (id text PRIMARY KEY, tenant_id text NOT NULL, connection_id text NOT NULL,
        external_id text NOT NULL, status text NOT NULL, currency char(3) NOT NULL, total_minor bigint NOT NULL,
        source_version bigint NOT NULL, payload jsonb NOT NULL, updated_at timestamptz NOT NULL)`,
    );
    const results = [];
    for (let round = 0; round < rounds; round += 1) {
      await client.query(`TRUNCATE ${schema}.upsert_floor`);
      const database = new URL(databaseUrl).pathname.slice(1);
      const cpuBefore = postgresCpuSeconds(database);
      const started = performance.now();
      for (let offset = 0; offset < rows; offset += batchSize) {
        await upsertBatch(client, schema, offset, Math.min(batchSize, rows - offset), payloads);
      }
      const seconds = (performance.now() - started) / 1000;
      results.push({
        rowsPerSecond: rows / seconds,
        seconds,
        postgresCpuSeconds: postgresCpuSeconds(database) - cpuBefore,
      });
    }
    return {
      rowsPerSecond: median(results.map((r) => r.rowsPerSecond)),
      postgresCpuSeconds: median(results.map((r) => r.postgresCpuSeconds)),
      rounds: results,
    };
  } finally {
    await client.query(`DROP TABLE IF EXISTS ${schema}.upsert_floor`).catch(() => {});
    await client.end();
  }
}

async function upsertBatch(client, schema, offset, count, payloads) {
  const values = [];
  const tuples = [];
  for (let i = 0; i < count; i += 1) {
    const n = offset + i;
    const base = i * columns.length;
    tuples.push(`(${columns.map((_, c) => `$${base + c + 1}`).join(',')})`);
    values.push(
      `order-${n}`,
      't1',
      'c1',
      `ext-${n}`,
      'OPEN',
      'USD',
      n * 100,
      1,
      payloads?.[n] ?? JSON.stringify({ n, lines: 2 }),
      new Date(1_700_000_000_000 + n),
    );
  }
  const updates = columns
    .slice(1)
    .map((c) => `${c} = excluded.${c}`)
    .join(', ');
  await client.query(
    `INSERT INTO ${schema}.upsert_floor (${columns.join(',')}) VALUES ${tuples.join(',')}
     ON CONFLICT (id) DO UPDATE SET ${updates} WHERE ${schema}.upsert_floor.source_version <= excluded.source_version`,
    values,
  );
}
