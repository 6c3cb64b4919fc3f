import { Module } from '@nestjs/common';
import { ReceivedEventModule } from '../received-event/received-event.module.js';
import { RetentionService } from './retention.service.js';

/** Prunes stored events past their retention. */
@Module({
  imports: [ReceivedEventModule],
  providers: [RetentionService],
  exports: [RetentionService],
})
export class RetentionModule {}
