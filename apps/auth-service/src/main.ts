import 'reflect-metadata';
import { loadConfigOrExit } from '@shelflink/config';
import { bootstrapService, natsSettingsFrom } from '@shelflink/runtime';
import { AuthAppModule } from './app.module.js';
import { authConfigSchema } from './config/auth.config.js';

const config = loadConfigOrExit('auth-service', authConfigSchema);
await bootstrapService({
  service: 'auth-service',
  module: AuthAppModule.register(config),
  http: { host: config.HTTP_HOST, port: config.HTTP_PORT },
  nats: natsSettingsFrom(config),
  logLevel: config.LOG_LEVEL,
});
