import 'reflect-metadata';
import { setFlagsFromString } from 'node:v8';
import { loadConfigOrExit } from '@shelflink/config';
import { bootstrapService, natsSettingsFrom } from '@shelflink/runtime';
import { SyncAppModule } from './app.module.js';
import { syncConfigSchema } from './config/sync.config.js';

const config = loadConfigOrExit('sync-service', syncConfigSchema);
// Pages are garbage the moment they are committed: collect near the live size instead of letting V8 grow the heap
// up to 4× before a full GC, so RSS stays flat however large the account (0 keeps V8's own growth).
if (config.SYNC_HEAP_GROWING_PERCENT > 0) {
  setFlagsFromString(`--heap-growing-percent=${config.SYNC_HEAP_GROWING_PERCENT}`);
}
await bootstrapService({
  service: 'sync-service',
  module: SyncAppModule.register(config),
  http: { host: config.HTTP_HOST, port: config.HTTP_PORT },
  nats: natsSettingsFrom(config),
  logLevel: config.LOG_LEVEL,
});
