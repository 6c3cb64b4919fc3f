import { runServiceMigrations, serviceDataSourceOptions } from '@shelflink/database';
import { createTestDatabase, eventually, type TestDatabase } from '@shelflink/testing';
import { DataSource } from 'typeorm';
import { syncDatabase } from '../database/sync.database.js';
import { ProviderSlots } from './provider-slots.js';

// Real Postgres: two "replicas" (two ProviderSlots on their own pools) share one account's concurrency budget.
describe('ProviderSlots (int)', () => {
  let database: TestDatabase;
  const sources: DataSource[] = [];

  beforeAll(async () => {
    database = await createTestDatabase('int_sync_slots');
    await runServiceMigrations(syncDatabase(database.url));
    for (let i = 0; i < 2; i++) {
      const source = new DataSource(serviceDataSourceOptions(syncDatabase(database.url, 4)));
      sources.push(await source.initialize());
    }
  });

  afterAll(async () => {
    await Promise.all(sources.map((source) => source.destroy()));
    await database?.drop();
  });

  it('never lets more than the budget hold slots across replicas; a release lets the next one in', async () => {
    const [a, b] = sources.map((source) => new ProviderSlots(source, 60_000));
    const first = await a!.acquire('netsuite:ACCT', 2);
    const second = await b!.acquire('netsuite:ACCT', 2);
    let third = false;
    const waiting = b!.acquire('netsuite:ACCT', 2).then((release) => {
      third = true;
      return release;
    });
    // Another account's budget is its own.
    const other = await a!.acquire('netsuite:OTHER', 2);
    const held = async (): Promise<number> => {
      const rows = await sources[0]!.query<{ n: number }[]>(
        `SELECT count(*)::int AS n FROM sync.provider_slots WHERE key = 'netsuite:ACCT' AND holder IS NOT NULL`,
      );
      return rows[0]?.n ?? 0;
    };
    expect(await held()).toBe(2);
    expect(third).toBe(false);
    first();
    await eventually(async () => third, 5_000, 10);
    expect(await held()).toBe(2);
    second();
    (await waiting)();
    other();
    await eventually(async () => (await held()) === 0, 5_000, 10);
  });

  it('frees the slot of a holder that died once it expires', async () => {
    const dead = new ProviderSlots(sources[0]!, 50);
    await dead.acquire('netsuite:CRASH', 1);
    // Never released (the replica was killed): after 50 ms the slot is someone else's.
    const release = await new ProviderSlots(sources[1]!, 60_000).acquire('netsuite:CRASH', 1);
    release();
  });
});
