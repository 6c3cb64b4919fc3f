import './config/heap-growth.config.js';
import 'reflect-metadata';
import { loadConfigOrExit } from '@shelflink/config';
import { bootstrapService, natsSettingsFrom } from '@shelflink/runtime';
import { SyncAppModule } from './app.module.js';
import { syncConfigSchema } from './config/sync.config.js';

const config = loadConfigOrExit('sync-service', syncConfigSchema);
await bootstrapService({
  service: 'sync-service',
  module: SyncAppModule.register(config),
  http: { host: config.HTTP_HOST, port: config.HTTP_PORT },
  nats: natsSettingsFrom(config),
  logLevel: config.LOG_LEVEL,
});
