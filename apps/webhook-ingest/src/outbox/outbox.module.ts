import { Module } from '@nestjs/common';
import { IntakeActivityModule } from '../intake-activity/intake-activity.module.js';
import { ReceivedEventModule } from '../received-event/received-event.module.js';
import { OutboxRelay } from './outbox-relay.service.js';

/** Publishes stored events to JetStream, sweeps what was never published. */
@Module({
  imports: [ReceivedEventModule, IntakeActivityModule],
  providers: [OutboxRelay],
  exports: [OutboxRelay],
})
export class OutboxModule {}
