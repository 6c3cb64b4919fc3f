import { createTestDatabase, type TestDatabase } from '@shelflink/testing';
import { DataSource } from 'typeorm';
import { sqlRows } from './sql-rows.js';

describe('sqlRows', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  beforeAll(async () => {
    database = await createTestDatabase('lib_sql');
    dataSource = new DataSource({ type: 'postgres', url: database.url, extra: { max: 2 } });
    await dataSource.initialize();
    await dataSource.query(`CREATE TABLE items (id int PRIMARY KEY, name text NOT NULL)`);
  });
  afterAll(async () => {
    await dataSource.destroy();
    await database.drop();
  });
  beforeEach(async () => {
    await dataSource.query(`TRUNCATE items`);
    await dataSource.query(`INSERT INTO items VALUES (1, 'one'), (2, 'two')`);
  });

  it('returns the rows of a SELECT', async () => {
    const rows = await sqlRows<{ id: number; name: string }>(dataSource, `SELECT id, name FROM items ORDER BY id`);
    expect(rows).toEqual([
      { id: 1, name: 'one' },
      { id: 2, name: 'two' },
    ]);
  });

  it('returns the RETURNING rows of an UPDATE, and none when the fence matched nothing', async () => {
    // dataSource.query() would answer both with [rows, rowCount], a non-empty array either way.
    const matched = await sqlRows<{ id: number }>(dataSource, `UPDATE items SET name = $2 WHERE id = $1 RETURNING id`, [
      1,
      'uno',
    ]);
    const missed = await sqlRows<{ id: number }>(dataSource, `UPDATE items SET name = 'x' WHERE id = 99 RETURNING id`);
    expect(matched).toEqual([{ id: 1 }]);
    expect(missed).toEqual([]);
  });

  it('returns the RETURNING rows of a DELETE', async () => {
    const deleted = await sqlRows<{ id: number }>(dataSource, `DELETE FROM items WHERE id = 2 RETURNING id`);
    expect(deleted).toEqual([{ id: 2 }]);
  });

  it("runs on a transaction's connection: its writes are seen inside and rolled back with it", async () => {
    const inside = dataSource.transaction(async (manager) => {
      await sqlRows(manager, `INSERT INTO items VALUES (3, 'three')`);
      const seen = await sqlRows<{ id: number }>(manager, `SELECT id FROM items WHERE id = 3`);
      throw new Error(`rollback after seeing ${seen.length}`);
    });
    await expect(inside).rejects.toThrow('rollback after seeing 1');
    await expect(sqlRows(dataSource, `SELECT id FROM items WHERE id = 3`)).resolves.toEqual([]);
  });

  it('runs on a pooled connection through an EntityManager outside a transaction', async () => {
    const rows = await sqlRows<{ n: number }>(dataSource.manager, `SELECT count(*)::int AS n FROM items`);
    expect(rows).toEqual([{ n: 2 }]);
  });
});
