import { Module } from '@nestjs/common';
import { DeadLetterModule } from '../dead-letter/dead-letter.module.js';
import { OutboxModule } from '../outbox/outbox.module.js';
import { ReceivedEventModule } from '../received-event/received-event.module.js';
import { WebhookAdminController } from './webhook-admin.controller.js';
import { WebhookAdminService } from './webhook-admin.service.js';

/** The operator subjects: list and replay events, list and requeue dead letters. */
@Module({
  imports: [ReceivedEventModule, DeadLetterModule, OutboxModule],
  controllers: [WebhookAdminController],
  providers: [WebhookAdminService],
})
export class AdminModule {}
