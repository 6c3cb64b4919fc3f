import { postgresEnv, loadConfigOrExit } from '@shelflink/config';
import { runServiceMigrations } from '@shelflink/database';
import { syncDatabase } from './sync.database.js';

/** `node dist/apps/sync-service/src/database/migrate.js`: applies schema `sync` migrations, run as an explicit step. */
const config = loadConfigOrExit('sync-service', postgresEnv);
const applied = await runServiceMigrations(syncDatabase(config.DATABASE_URL));
process.stdout.write(`${JSON.stringify({ service: 'sync-service', msg: 'migrations applied', applied })}\n`);
