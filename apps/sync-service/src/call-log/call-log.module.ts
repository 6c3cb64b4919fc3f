import { Module } from '@nestjs/common';
import { CallLogController } from './call-log.controller.js';
import { CallLogService } from './call-log.service.js';

/** The outbound call log: batched rows of every provider call attempt, their retention and their read subject. */
@Module({
  controllers: [CallLogController],
  providers: [CallLogService],
  exports: [CallLogService],
})
export class CallLogModule {}
