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

  it("keeps a released slot for its replica's next request (no new claim), then gives it back", async () => {
    const [a, b] = sources.map((source) => new ProviderSlots(source, 60_000));
    const slots = async (): Promise<{ slot: number; holder: string | null; expires: string | null }[]> =>
      sources[0]!.query(
        `SELECT slot, holder, expires_at::text AS expires FROM sync.provider_slots WHERE key = 'netsuite:PARK' ORDER BY slot`,
      );
    const first = await a!.acquire('netsuite:PARK', 2);
    const claimed = await slots();
    first();
    // The next page's request takes the same slot under the same claim: no statement changed the row.
    const next = await a!.acquire('netsuite:PARK', 2);
    expect(await slots()).toEqual(claimed);
    expect(claimed.filter((row) => row.holder !== null)).toHaveLength(1);
    // Another replica still finds the budget's other slot, never the kept one.
    const other = await b!.acquire('netsuite:PARK', 2);
    expect((await slots()).filter((row) => row.holder !== null)).toHaveLength(2);
    next();
    other();
    await eventually(async () => (await slots()).every((row) => row.holder === null), 5_000, 10);
  });

  it('gives a slot back at once when too little of its claim is left for a whole request', async () => {
    const held = async (key: string): Promise<number> => {
      const rows = await sources[1]!.query<{ n: number }[]>(
        `SELECT count(*)::int AS n FROM sync.provider_slots WHERE key = $1 AND holder IS NOT NULL`,
        [key],
      );
      return rows[0]?.n ?? 0;
    };
    // Kept for a minute when reusable; here every request may take the whole TTL, so none is.
    const stale = new ProviderSlots(sources[0]!, 60_000, { longestHoldMs: 60_000, parkMs: 60_000 });
    (await stale.acquire('netsuite:STALE', 1))();
    await eventually(async () => (await held('netsuite:STALE')) === 0, 5_000, 10);
    // The same minute's keeping holds a reusable slot (then the shutdown gives it back).
    const fresh = new ProviderSlots(sources[0]!, 60_000, { parkMs: 60_000 });
    (await fresh.acquire('netsuite:FRESH', 1))();
    expect(await held('netsuite:FRESH')).toBe(1);
    await fresh.releaseParked();
    expect(await held('netsuite:FRESH')).toBe(0);
  });

  it('frees the slot of a holder that died once it expires', async () => {
    const dead = new ProviderSlots(sources[0]!, 50);
    await dead.acquire('netsuite:CRASH', 1);
    // Never released (the replica was killed): after 50 ms the slot is someone else's.
    const release = await new ProviderSlots(sources[1]!, 60_000).acquire('netsuite:CRASH', 1);
    release();
  });
});
