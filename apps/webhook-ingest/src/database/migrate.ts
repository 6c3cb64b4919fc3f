import { postgresEnv, loadConfigOrExit } from '@shelflink/config';
import { runServiceMigrations } from '@shelflink/database';
import { webhookDatabase } from './webhook.database.js';

/** `node dist/apps/webhook-ingest/src/database/migrate.js`: applies schema `webhook` migrations, run as an explicit step. */
const config = loadConfigOrExit('webhook-ingest', postgresEnv);
const applied = await runServiceMigrations(webhookDatabase(config.DATABASE_URL));
process.stdout.write(`${JSON.stringify({ service: 'webhook-ingest', msg: 'migrations applied', applied })}\n`);
