import { createTestDatabase, type TestDatabase } from '@shelflink/testing';
import { eventually } from '@shelflink/testing';
import { Column, DataSource, Entity, PrimaryColumn, type MigrationInterface, type QueryRunner } from 'typeorm';
import {
  pendingSchemaChanges,
  runServiceMigrations,
  serviceDataSourceOptions,
  type ServiceDatabase,
} from './data-source.js';

@Entity({ name: 'widgets' })
class WidgetEntity {
  @PrimaryColumn({ type: 'text' })
  id!: string;

  @Column({ type: 'integer' })
  size!: number;
}

class CreateWidgetsWithoutSize1763000000000 implements MigrationInterface {
  name = 'CreateWidgetsWithoutSize1763000000000';
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "drift"."widgets" ("id" text NOT NULL, CONSTRAINT "PK_w" PRIMARY KEY ("id"))`,
    );
  }
  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "drift"."widgets"`);
  }
}

describe('service databases', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase('lib_db');
  });
  afterAll(async () => {
    await database.drop();
  });

  it('reports drift when an entity has a column no migration creates', async () => {
    const definition: ServiceDatabase = {
      url: database.url,
      schema: 'drift',
      service: 'test',
      entities: [WidgetEntity],
      migrations: [CreateWidgetsWithoutSize1763000000000],
    };
    await expect(runServiceMigrations(definition)).resolves.toEqual(['CreateWidgetsWithoutSize1763000000000']);
    const changes = await pendingSchemaChanges(definition);
    expect(changes.join('\n')).toContain('"size"');
  });

  it('survives a backend terminated under a checked-out client, and the pool answers again', async () => {
    const definition = { url: database.url, schema: 'public', service: 'test', entities: [], migrations: [] };
    const dataSource = new DataSource(serviceDataSourceOptions(definition));
    await dataSource.initialize();
    try {
      // A client held outside TypeORM's query runners: pg-pool gives it no error listener of its own.
      const pool = (dataSource.driver as unknown as { master: { connect(): Promise<HeldClient> } }).master;
      const held = await pool.connect();
      const pid = (await held.query('SELECT pg_backend_pid() AS pid')).rows[0]?.pid;
      const ended = new Promise((resolve) => held.once('end', resolve));
      await dataSource.query('SELECT pg_terminate_backend($1)', [pid]);
      // Without a listener the FATAL from the server would be an uncaught exception here and fail the file.
      await ended;
      held.release(new Error('terminated'));
      await eventually(async () => {
        const rows: { one: number }[] = await dataSource.query('SELECT 1 AS one');
        return rows[0]?.one === 1;
      });
    } finally {
      await dataSource.destroy();
    }
  });
});

interface HeldClient {
  query(sql: string): Promise<{ rows: { pid?: number }[] }>;
  once(event: 'end', listener: (value?: unknown) => void): unknown;
  release(error?: Error): void;
}
