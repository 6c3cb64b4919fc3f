import { Module } from '@nestjs/common';
import { IntakeActivity } from './intake-activity.service.js';

/** How busy intake is: the signal the outbox and processing give way to. */
@Module({
  providers: [IntakeActivity],
  exports: [IntakeActivity],
})
export class IntakeActivityModule {}
