import 'reflect-metadata';
import { loadConfigOrExit } from '@shelflink/config';
import { bootstrapService } from '@shelflink/runtime';
import { AuthAppModule } from './app.module.js';
import { authConfigSchema } from './config/auth.config.js';

const config = loadConfigOrExit('auth-service', authConfigSchema);
await bootstrapService({
  service: 'auth-service',
  module: AuthAppModule.register(config),
  http: { host: config.HTTP_HOST, port: config.HTTP_PORT },
  nats: { url: config.NATS_URL, user: config.NATS_USER, password: config.NATS_PASSWORD },
  logLevel: config.LOG_LEVEL,
});
