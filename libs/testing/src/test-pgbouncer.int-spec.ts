import pg from 'pg';
import { portOpen } from '../../../scripts/infra.mjs';
import { startPgbouncer } from '../../../scripts/pgbouncer.mjs';
import { freePort } from './free-port.js';
import { eventually } from './service-process.js';
import { createTestDatabase, testServerUrl, type TestDatabase } from './test-database.js';
import { throughPgbouncer } from './test-pgbouncer.js';

async function ask<Row>(url: string, sql: string): Promise<Row> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows[0] as Row;
  } finally {
    await client.end();
  }
}

describe('the pgbouncer rig', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase('pgbouncer_rig');
  });
  afterAll(async () => {
    await database.drop();
  });

  it('pools by transaction: two open clients share one server connection of the database they named', async () => {
    const bouncer = await startPgbouncer({ serverUrl: testServerUrl(), poolSize: 1, port: await freePort() });
    const clients = [0, 1].map(() => new pg.Client({ connectionString: bouncer.url(database.url) }));
    try {
      for (const client of clients) await client.connect();
      const seen = [];
      for (const client of clients) {
        seen.push((await client.query('SELECT pg_backend_pid() AS pid, current_database() AS db')).rows[0]);
      }
      expect(new URL(bouncer.url(database.url)).port).toBe(String(bouncer.port));
      expect(seen[0]).toEqual(seen[1]);
      expect(seen[0]).toMatchObject({ db: database.name });
    } finally {
      for (const client of clients) await client.end().catch(() => undefined);
      await bouncer.stop();
    }
  });

  it('answers again on the same port after a kill -9 and restart', async () => {
    const bouncer = await startPgbouncer({ serverUrl: testServerUrl(), port: await freePort() });
    const pool = new pg.Pool({ connectionString: bouncer.url(database.url), max: 2 });
    pool.on('error', () => undefined);
    try {
      await expect(pool.query('SELECT 1 AS one')).resolves.toMatchObject({ rows: [{ one: 1 }] });
      const before = bouncer.child().pid;
      await bouncer.restart();
      expect(bouncer.child().pid).not.toBe(before);
      await eventually(
        () =>
          pool.query('SELECT 1').then(
            () => true,
            () => false,
          ),
        10_000,
      );
    } finally {
      await pool.end();
      await bouncer.stop();
    }
  });

  it('runs one pgbouncer per server while a service uses it, and stops it after the last one', async () => {
    let firstExits = (): void => undefined;
    let secondExits = (): void => undefined;
    const first = await throughPgbouncer(database.url, new Promise<void>((resolve) => (firstExits = resolve)));
    const second = await throughPgbouncer(database.url, new Promise<void>((resolve) => (secondExits = resolve)));
    const port = Number(new URL(first).port);
    expect(second).toBe(first);
    expect(port).not.toBe(Number(new URL(database.url).port || 5432));
    await expect(ask(first, 'SELECT current_database() AS db')).resolves.toEqual({ db: database.name });
    firstExits();
    await expect(ask(second, 'SELECT 1 AS one')).resolves.toEqual({ one: 1 });
    secondExits();
    await eventually(async () => !(await portOpen(port)), 10_000);
  });
});
