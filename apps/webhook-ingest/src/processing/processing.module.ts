import { Module } from '@nestjs/common';
import { IntakeActivityModule } from '../intake-activity/intake-activity.module.js';
import { OutboxModule } from '../outbox/outbox.module.js';
import { ReceivedEventModule } from '../received-event/received-event.module.js';
import { RetentionModule } from '../retention/retention.module.js';
import { UnroutableModule } from '../unroutable/unroutable.module.js';
import { BacklogMonitor } from './backlog.monitor.js';
import { ComplianceService } from './compliance.service.js';
import { EventProcessor } from './event-processor.service.js';
import { WorkersLifecycle } from './workers.lifecycle.js';

/** Turns stored events into canonical events (or carries out compliance requests), with retries and dead letters. */
@Module({
  imports: [ReceivedEventModule, UnroutableModule, IntakeActivityModule, OutboxModule, RetentionModule],
  providers: [ComplianceService, EventProcessor, BacklogMonitor, WorkersLifecycle],
})
export class ProcessingModule {}
