#!/usr/bin/env node
// `npm run migrate`: applies every service's migrations (an explicit step) to DATABASE_URL, or to the database
// `npm start` would use. Builds first so the migrations in dist/ are current.
import { build, ensurePostgres, log, runMigrations } from './infra.mjs';

build();
const postgres = await ensurePostgres('shelflink');
runMigrations(postgres.url);
log(`migrations applied to ${postgres.url.replace(/\/\/[^@]*@/, '//')}`);
await postgres.stop();
