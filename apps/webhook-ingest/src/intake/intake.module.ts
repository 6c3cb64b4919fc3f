import { Module } from '@nestjs/common';
import { IntakeActivityModule } from '../intake-activity/intake-activity.module.js';
import { OutboxModule } from '../outbox/outbox.module.js';
import { ReceivedEventModule } from '../received-event/received-event.module.js';
import { IntakeResponder } from './intake.responder.js';
import { UnroutableModule } from '../unroutable/unroutable.module.js';
import { IntakeService } from './intake.service.js';
import { UnroutableReplayService } from './unroutable-replay.service.js';
import { UnroutableController } from './unroutable.controller.js';
import { WebhookRoutesCache } from './webhook-routes.cache.js';
import { WebhookSecretsCache } from './webhook-secrets.cache.js';

/** Verifies, routes (app-level deliveries), deduplicates and stores deliveries before answering the gateway. */
@Module({
  imports: [ReceivedEventModule, UnroutableModule, IntakeActivityModule, OutboxModule],
  controllers: [UnroutableController],
  providers: [WebhookSecretsCache, WebhookRoutesCache, IntakeService, IntakeResponder, UnroutableReplayService],
})
export class IntakeModule {}
