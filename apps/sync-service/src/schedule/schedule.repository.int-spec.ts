import { runServiceMigrations, serviceDataSourceOptions } from '@shelflink/database';
import { createTestDatabase, type TestDatabase } from '@shelflink/testing';
import { DataSource } from 'typeorm';
import { syncDatabase } from '../database/sync.database.js';
import { ScheduleRepository } from './schedule.repository.js';

// Real Postgres, real migrations: configuring, pausing, the due check and staleness.
describe('ScheduleRepository (int)', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  let schedules: ScheduleRepository;
  const configure = (connectionId: string, settings: { intervalSeconds?: number; paused?: boolean } = {}) =>
    schedules.configure({ tenantId: 't1', connectionId, stream: 'orders', defaultIntervalSeconds: 900, ...settings });
  const makeDue = (connectionId: string) =>
    dataSource.query(`UPDATE sync.schedules SET next_run_at = now() - interval '1 minute' WHERE connection_id = $1`, [
      connectionId,
    ]);

  beforeAll(async () => {
    database = await createTestDatabase('int_sync_schedules');
    await runServiceMigrations(syncDatabase(database.url));
    dataSource = new DataSource(serviceDataSourceOptions(syncDatabase(database.url, 5)));
    await dataSource.initialize();
    schedules = new ScheduleRepository(dataSource);
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await database?.drop();
  });

  it('creates a schedule with the default interval, then changes only what it is given', async () => {
    const created = await configure('c-config');
    expect(created).toMatchObject({ connectionId: 'c-config', stream: 'orders', intervalSeconds: 900, paused: false });
    expect(created.nextRunAt.getTime()).toBeGreaterThan(Date.now() + 800_000);
    const longer = await configure('c-config', { intervalSeconds: 3_600 });
    expect(longer).toMatchObject({ intervalSeconds: 3_600, paused: false });
    expect(longer.nextRunAt.getTime()).toBeGreaterThan(Date.now() + 3_500_000);
    expect(await configure('c-config', { paused: true })).toMatchObject({ intervalSeconds: 3_600, paused: true });
    expect(await schedules.listForTenant('t1', 'c-config')).toEqual([expect.objectContaining({ paused: true })]);
    expect(await schedules.listForTenant('t2')).toEqual([]);
  });

  it('never claims a paused schedule, and claims it again once resumed', async () => {
    await configure('c-paused', { paused: true });
    await makeDue('c-paused');
    expect((await schedules.claimDue(100)).map((due) => due.connectionId)).not.toContain('c-paused');
    await configure('c-paused', { paused: false });
    await makeDue('c-paused');
    expect((await schedules.claimDue(100)).map((due) => due.connectionId)).toContain('c-paused');
  });

  it('counts unpaused streams without a success for twice their interval as stale', async () => {
    const before = await schedules.staleness();
    await configure('c-stale', { intervalSeconds: 60 });
    await dataSource.query(
      `UPDATE sync.schedules SET last_succeeded_at = now() - interval '3 minutes' WHERE connection_id = 'c-stale'`,
    );
    const stale = await schedules.staleness();
    expect(stale.stale).toBe(before.stale + 1);
    expect(stale.oldestSuccessAgeSeconds).toBeGreaterThanOrEqual(180);
    await configure('c-stale', { paused: true });
    expect((await schedules.staleness()).stale).toBe(before.stale);
  });
});
