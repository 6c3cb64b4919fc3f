import 'reflect-metadata';
import { loadConfigOrExit } from '@shelflink/config';
import { bootstrapService } from '@shelflink/runtime';
import { WebhookAppModule } from './app.module.js';
import { webhookConfigSchema } from './config/webhook.config.js';

const config = loadConfigOrExit('webhook-ingest', webhookConfigSchema);
await bootstrapService({
  service: 'webhook-ingest',
  module: WebhookAppModule.register(config),
  http: { host: config.HTTP_HOST, port: config.HTTP_PORT },
  nats: { url: config.NATS_URL, user: config.NATS_USER, password: config.NATS_PASSWORD },
  logLevel: config.LOG_LEVEL,
});
