import { Module } from '@nestjs/common';
import { IntakeActivityModule } from '../intake-activity/intake-activity.module.js';
import { OutboxModule } from '../outbox/outbox.module.js';
import { ReceivedEventModule } from '../received-event/received-event.module.js';
import { IntakeResponder } from './intake.responder.js';
import { IntakeService } from './intake.service.js';
import { WebhookSecretsCache } from './webhook-secrets.cache.js';

/** Verifies, deduplicates and stores deliveries before answering the gateway. */
@Module({
  imports: [ReceivedEventModule, IntakeActivityModule, OutboxModule],
  providers: [WebhookSecretsCache, IntakeService, IntakeResponder],
})
export class IntakeModule {}
