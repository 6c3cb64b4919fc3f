import { Module } from '@nestjs/common';
import { DeadLetterAlerts } from './dead-letter.alerts.js';
import { DeadLetterRepository } from './dead-letter.repository.js';

/** Events that exhausted their processing attempts, and the operator alert that they appeared. */
@Module({
  providers: [DeadLetterRepository, DeadLetterAlerts],
  exports: [DeadLetterRepository],
})
export class DeadLetterModule {}
