import 'reflect-metadata';
import { loadConfigOrExit } from '@shelflink/config';
import { bootstrapService } from '@shelflink/runtime';
import { SyncAppModule } from './app.module.js';
import { syncConfigSchema } from './config/sync.config.js';

const config = loadConfigOrExit('sync-service', syncConfigSchema);
await bootstrapService({
  service: 'sync-service',
  module: SyncAppModule.register(config),
  http: { host: config.HTTP_HOST, port: config.HTTP_PORT },
  nats: { url: config.NATS_URL, user: config.NATS_USER, password: config.NATS_PASSWORD },
  logLevel: config.LOG_LEVEL,
});
