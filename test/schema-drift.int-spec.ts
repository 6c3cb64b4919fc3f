import { pendingSchemaChanges, runServiceMigrations, type ServiceDatabase } from '@shelflink/database';
import { createTestDatabase, type TestDatabase } from '@shelflink/testing';
import { authDatabase } from '../apps/auth-service/src/database/auth.database.js';
import { syncDatabase } from '../apps/sync-service/src/database/sync.database.js';
import { webhookDatabase } from '../apps/webhook-ingest/src/database/webhook.database.js';

// Entities and migrations must agree: on a fresh database, after every migration, TypeORM would change nothing.
describe.each([
  ['auth', authDatabase],
  ['webhook', webhookDatabase],
  ['sync', syncDatabase],
] as const)('schema %s', (schema, describeDatabase: (url: string) => ServiceDatabase) => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase(`drift_${schema}`);
  });
  afterAll(async () => {
    await database.drop();
  });

  it('has migrations that match its entities exactly', async () => {
    const definition = describeDatabase(database.url);
    const applied = await runServiceMigrations(definition);
    expect(applied.length).toBeGreaterThan(0);
    await expect(pendingSchemaChanges(definition)).resolves.toEqual([]);
  });

  it('applies migrations idempotently (a second run applies nothing)', async () => {
    await expect(runServiceMigrations(describeDatabase(database.url))).resolves.toEqual([]);
  });
});
