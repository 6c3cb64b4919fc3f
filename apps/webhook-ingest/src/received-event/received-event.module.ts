import { Module } from '@nestjs/common';
import { ReceivedEventRepository } from './received-event.repository.js';

/** Stored webhook deliveries: the source of truth for intake, the outbox and processing. */
@Module({
  providers: [ReceivedEventRepository],
  exports: [ReceivedEventRepository],
})
export class ReceivedEventModule {}
