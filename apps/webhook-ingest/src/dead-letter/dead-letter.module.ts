import { Module } from '@nestjs/common';
import { DeadLetterRepository } from './dead-letter.repository.js';

/** Events that exhausted their processing attempts. */
@Module({
  providers: [DeadLetterRepository],
  exports: [DeadLetterRepository],
})
export class DeadLetterModule {}
