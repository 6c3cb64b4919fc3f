import { Module } from '@nestjs/common';
import { AdminAuthModule } from '../admin-auth/admin-auth.module.js';
import { WebhookEventsController } from './webhook-events.controller.js';

/** Admin routes over received webhook events and dead letters. */
@Module({ imports: [AdminAuthModule], controllers: [WebhookEventsController] })
export class WebhookEventsModule {}
