import { Module } from '@nestjs/common';
import { ReceivedEventModule } from '../received-event/received-event.module.js';
import { UnroutableModule } from '../unroutable/unroutable.module.js';
import { RetentionService } from './retention.service.js';

/** Prunes stored and unroutable events past their retention. */
@Module({
  imports: [ReceivedEventModule, UnroutableModule],
  providers: [RetentionService],
  exports: [RetentionService],
})
export class RetentionModule {}
