import { Module } from '@nestjs/common';
import { callLogStoreProvider } from '@shelflink/runtime';
import { SyncConfig } from '../config/sync.config.js';
import { CallLogController } from './call-log.controller.js';
import { CallLogService } from './call-log.service.js';

/** The outbound call log: batched rows of every provider call attempt, their retention and their read subject. */
@Module({
  controllers: [CallLogController],
  providers: [callLogStoreProvider('sync.provider_calls', SyncConfig), CallLogService],
  exports: [CallLogService],
})
export class CallLogModule {}
