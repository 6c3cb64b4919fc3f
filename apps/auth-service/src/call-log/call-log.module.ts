import { Module } from '@nestjs/common';
import { CallLogHandler } from './call-log.handler.js';
import { CallLogService } from './call-log.service.js';

/** auth-service's outbound call log: batched rows of its provider calls, their retention and their read subject. */
@Module({
  controllers: [CallLogHandler],
  providers: [CallLogService],
  exports: [CallLogService],
})
export class CallLogModule {}
