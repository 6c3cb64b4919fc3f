import { Module } from '@nestjs/common';
import { ScheduleRepository } from './schedule.repository.js';
import { StalenessMonitor } from './staleness.monitor.js';

/** Stream schedules and the staleness gauges read from them. */
@Module({
  providers: [ScheduleRepository, StalenessMonitor],
  exports: [ScheduleRepository],
})
export class ScheduleModule {}
