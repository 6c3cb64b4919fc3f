import { Module } from '@nestjs/common';
import { CheckpointRepository } from './checkpoint.repository.js';

/** Per-partition sync checkpoints. */
@Module({
  providers: [CheckpointRepository],
  exports: [CheckpointRepository],
})
export class CheckpointModule {}
