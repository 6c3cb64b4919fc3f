import { Module } from '@nestjs/common';
import { IntakeActivityModule } from '../intake-activity/intake-activity.module.js';
import { OutboxModule } from '../outbox/outbox.module.js';
import { ReceivedEventModule } from '../received-event/received-event.module.js';
import { RetentionModule } from '../retention/retention.module.js';
import { BacklogMonitor } from './backlog.monitor.js';
import { EventProcessor } from './event-processor.service.js';
import { WorkersLifecycle } from './workers.lifecycle.js';

/** Turns stored events into canonical events, with retries, dead letters and backlog gauges. */
@Module({
  imports: [ReceivedEventModule, IntakeActivityModule, OutboxModule, RetentionModule],
  providers: [EventProcessor, BacklogMonitor, WorkersLifecycle],
})
export class ProcessingModule {}
