import { Module, type DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { serviceDataSourceOptions } from '@shelflink/database';
import { MetricsController } from '@shelflink/observability';
import { createPingController, HealthModule, NatsClientModule } from '@shelflink/runtime';
import { WebhookConfig, type WebhookConfigValues } from './config/webhook.config.js';
import { webhookDatabase } from './database/webhook.database.js';

@Module({})
export class WebhookAppModule {
  static register(config: WebhookConfigValues): DynamicModule {
    return {
      module: WebhookAppModule,
      imports: [
        TypeOrmModule.forRoot(serviceDataSourceOptions(webhookDatabase(config.DATABASE_URL, config.DATABASE_POOL_SIZE))),
        NatsClientModule.register('webhook-ingest', {
          url: config.NATS_URL,
          user: config.NATS_USER,
          password: config.NATS_PASSWORD,
        }),
        HealthModule.register(),
      ],
      controllers: [MetricsController, createPingController('webhook-ingest')],
      providers: [{ provide: WebhookConfig, useValue: config }],
    };
  }
}
