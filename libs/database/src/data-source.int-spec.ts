import { createTestDatabase, type TestDatabase } from '@shelflink/testing';
import { Column, Entity, PrimaryColumn, type MigrationInterface, type QueryRunner } from 'typeorm';
import { pendingSchemaChanges, runServiceMigrations, type ServiceDatabase } from './data-source.js';

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
});
