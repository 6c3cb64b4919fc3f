import { Module } from '@nestjs/common';
import { ScheduleModule } from '../schedule/schedule.module.js';
import { SyncRunModule } from '../sync-run/sync-run.module.js';
import { ScheduleAdmin } from './schedule-admin.service.js';
import { ScheduleController } from './schedule.controller.js';
import { ScheduleService } from './schedule.service.js';

/** The scheduler that enqueues due streams, and the schedule admin subjects. */
@Module({
  imports: [ScheduleModule, SyncRunModule],
  controllers: [ScheduleController],
  providers: [ScheduleService, ScheduleAdmin],
})
export class SchedulerModule {}
