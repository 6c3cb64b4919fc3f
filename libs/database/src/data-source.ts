import { DataSource, type DataSourceOptions, type EntitySchema, type MixedList } from 'typeorm';

/** What a service declares about its own schema: entities and the ordered list of its migrations. */
export interface ServiceDatabase {
  url: string;
  schema: string;
  service: string;
  poolSize?: number;
  entities: MixedList<Function | string | EntitySchema>;
  migrations: MixedList<Function>;
}

/** TypeORM options for one service's schema: synchronize off, migrations tracked inside the schema, fast failure. */
export function serviceDataSourceOptions(database: ServiceDatabase): DataSourceOptions {
  return {
    type: 'postgres',
    url: database.url,
    schema: database.schema,
    entities: database.entities,
    migrations: database.migrations,
    migrationsTableName: `${database.schema}_migrations`,
    migrationsTransactionMode: 'each',
    synchronize: false,
    migrationsRun: false,
    applicationName: database.service,
    extra: {
      max: database.poolSize ?? 10,
      connectionTimeoutMillis: 2_000,
      idleTimeoutMillis: 30_000,
      // Never hold a statement forever when the server hangs; requests must fail fast (503), not queue.
      query_timeout: 10_000,
      onConnect: keepErrorsFromCrashing,
    },
  };
}

/**
 * pg reports a dropped connection (pg_terminate_backend, a restart) as an `error` event on the client, and pg-pool
 * leaves a checked-out client without a listener: a second event while TypeORM holds or releases it crashes the
 * process. The query in flight rejects on its own and the pool discards the client, so a listener that keeps the
 * event from becoming an uncaught exception is all that is needed.
 */
function keepErrorsFromCrashing(client: { on(event: 'error', listener: () => void): unknown }): void {
  client.on('error', () => undefined);
}

/** Creates the schema if needed and applies pending migrations; returns the names applied. */
export async function runServiceMigrations(database: ServiceDatabase): Promise<string[]> {
  const dataSource = new DataSource({ ...serviceDataSourceOptions(database), poolSize: 1 } as DataSourceOptions);
  await dataSource.initialize();
  try {
    await dataSource.query(`CREATE SCHEMA IF NOT EXISTS "${database.schema}"`);
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    return applied.map((migration) => migration.name);
  } finally {
    await dataSource.destroy();
  }
}

/** SQL TypeORM would run to make the schema match the entities; empty when migrations and entities agree. */
export async function pendingSchemaChanges(database: ServiceDatabase): Promise<string[]> {
  const dataSource = new DataSource(serviceDataSourceOptions(database));
  await dataSource.initialize();
  try {
    const log = await dataSource.driver.createSchemaBuilder().log();
    return log.upQueries.map((query) => query.query);
  } finally {
    await dataSource.destroy();
  }
}
