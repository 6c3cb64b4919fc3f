import { postgresEnv, loadConfigOrExit } from '@shelflink/config';
import { runServiceMigrations } from '@shelflink/database';
import { authDatabase } from './auth.database.js';

/** `node dist/apps/auth-service/src/database/migrate.js`: applies schema `auth` migrations, run as an explicit step. */
const config = loadConfigOrExit('auth-service', postgresEnv);
const applied = await runServiceMigrations(authDatabase(config.DATABASE_URL));
process.stdout.write(`${JSON.stringify({ service: 'auth-service', msg: 'migrations applied', applied })}\n`);
