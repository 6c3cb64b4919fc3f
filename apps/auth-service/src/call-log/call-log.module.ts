import { Module } from '@nestjs/common';
import { callLogStoreProvider } from '@shelflink/runtime';
import { AuthConfig } from '../config/auth.config.js';
import { CallLogHandler } from './call-log.handler.js';
import { CallLogService } from './call-log.service.js';

/** auth-service's outbound call log: batched rows of its provider calls, their retention and their read subject. */
@Module({
  controllers: [CallLogHandler],
  providers: [callLogStoreProvider('auth.provider_calls', AuthConfig), CallLogService],
  exports: [CallLogService],
})
export class CallLogModule {}
