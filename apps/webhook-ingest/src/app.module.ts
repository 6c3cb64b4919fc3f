import { Module, type DynamicModule } from '@nestjs/common';
import { natsSettingsFrom, ServiceCoreModule } from '@shelflink/runtime';
import { WebhookAdminController } from './admin/webhook-admin.controller.js';
import { WebhookAdminService } from './admin/webhook-admin.service.js';
import { WebhookConfig, type WebhookConfigValues } from './config/webhook.config.js';
import { webhookDatabase } from './database/webhook.database.js';
import { DeadLetterRepository } from './dead-letter/dead-letter.repository.js';
import { IntakeActivity } from './intake/intake-activity.js';
import { IntakeResponder } from './intake/intake.responder.js';
import { IntakeService } from './intake/intake.service.js';
import { WebhookSecretsCache } from './intake/webhook-secrets.cache.js';
import { OutboxRelay } from './outbox/outbox-relay.service.js';
import { BacklogMonitor } from './processing/backlog.monitor.js';
import { EventProcessor } from './processing/event-processor.service.js';
import { WorkersLifecycle } from './processing/workers.lifecycle.js';
import { ReceivedEventRepository } from './received-event/received-event.repository.js';
import { RetentionService } from './retention/retention.service.js';

@Module({})
export class WebhookAppModule {
  static register(config: WebhookConfigValues): DynamicModule {
    return {
      module: WebhookAppModule,
      imports: [
        ServiceCoreModule.register('webhook-ingest', {
          nats: natsSettingsFrom(config),
          database: webhookDatabase(config.DATABASE_URL, config.DATABASE_POOL_SIZE),
        }),
      ],
      controllers: [WebhookAdminController],
      providers: [
        { provide: WebhookConfig, useValue: config },
        ReceivedEventRepository,
        DeadLetterRepository,
        WebhookSecretsCache,
        IntakeActivity,
        IntakeService,
        IntakeResponder,
        OutboxRelay,
        EventProcessor,
        RetentionService,
        BacklogMonitor,
        WebhookAdminService,
        WorkersLifecycle,
      ],
    };
  }
}
