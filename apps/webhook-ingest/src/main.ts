import 'reflect-metadata';
import { loadConfigOrExit } from '@shelflink/config';
import { bootstrapService, natsSettingsFrom } from '@shelflink/runtime';
import { WebhookAppModule } from './app.module.js';
import { webhookConfigSchema } from './config/webhook.config.js';

const config = loadConfigOrExit('webhook-ingest', webhookConfigSchema);
await bootstrapService({
  service: 'webhook-ingest',
  module: WebhookAppModule.register(config),
  http: { host: config.HTTP_HOST, port: config.HTTP_PORT },
  nats: natsSettingsFrom(config),
  logLevel: config.LOG_LEVEL,
});
