import { Module } from '@nestjs/common';
import { CheckpointModule } from '../checkpoint/checkpoint.module.js';
import { ProviderModule } from '../provider/provider.module.js';
import { PullersModule } from '../pullers/pullers.module.js';
import { RecordsModule } from '../records/records.module.js';
import { ScheduleModule } from '../schedule/schedule.module.js';
import { PageCommitter } from './page.committer.js';
import { SyncRunController } from './sync-run.controller.js';
import { SyncRunExecutor } from './sync-run.executor.js';
import { SyncRunQueue } from './sync-run.queue.js';
import { SyncRunRepository } from './sync-run.repository.js';
import { SyncRunService } from './sync-run.service.js';

/** Sync runs: enqueue, the JetStream work queue, leased execution and page commits. */
@Module({
  imports: [ProviderModule, PullersModule, RecordsModule, CheckpointModule, ScheduleModule],
  controllers: [SyncRunController],
  providers: [SyncRunRepository, PageCommitter, SyncRunExecutor, SyncRunQueue, SyncRunService],
  exports: [SyncRunService],
})
export class SyncRunModule {}
