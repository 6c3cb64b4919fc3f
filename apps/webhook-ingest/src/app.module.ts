import { Module, type DynamicModule } from '@nestjs/common';
import { natsSettingsFrom, ServiceCoreModule } from '@shelflink/runtime';
import { AdminModule } from './admin/admin.module.js';
import { WebhookConfig, type WebhookConfigValues } from './config/webhook.config.js';
import { webhookDatabase } from './database/webhook.database.js';
import { IntakeModule } from './intake/intake.module.js';
import { ProcessingModule } from './processing/processing.module.js';

/** webhook-ingest: its core (database, NATS, health) and its domain modules; the validated config is global. */
@Module({})
export class WebhookAppModule {
  static register(config: WebhookConfigValues): DynamicModule {
    return {
      module: WebhookAppModule,
      global: true,
      imports: [
        ServiceCoreModule.register('webhook-ingest', {
          nats: natsSettingsFrom(config),
          database: webhookDatabase(config.DATABASE_URL, config.DATABASE_POOL_SIZE),
        }),
        IntakeModule,
        ProcessingModule,
        AdminModule,
      ],
      providers: [{ provide: WebhookConfig, useValue: config }],
      exports: [WebhookConfig],
    };
  }
}
