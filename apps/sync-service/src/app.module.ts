import { Module, type DynamicModule } from '@nestjs/common';
import { ScheduleModule as NestScheduleModule } from '@nestjs/schedule';
import { natsSettingsFrom, ServiceCoreModule } from '@shelflink/runtime';
import { AlertModule } from './alert/alert.module.js';
import { SyncConfig, type SyncConfigValues } from './config/sync.config.js';
import { syncDatabase } from './database/sync.database.js';
import { FollowUpModule } from './follow-up/follow-up.module.js';
import { ProxyModule } from './proxy/proxy.module.js';
import { RecordsModule } from './records/records.module.js';
import { ScheduleModule } from './schedule/schedule.module.js';
import { SchedulerModule } from './scheduler/scheduler.module.js';
import { SyncRunModule } from './sync-run/sync-run.module.js';

/** sync-service: its core (database, NATS, health) and its domain modules; the validated config is global. */
@Module({})
export class SyncAppModule {
  static register(config: SyncConfigValues): DynamicModule {
    return {
      module: SyncAppModule,
      global: true,
      imports: [
        ServiceCoreModule.register('sync-service', {
          nats: natsSettingsFrom(config),
          database: syncDatabase(config.DATABASE_URL, config.DATABASE_POOL_SIZE),
        }),
        NestScheduleModule.forRoot(),
        RecordsModule,
        ScheduleModule,
        SyncRunModule,
        SchedulerModule,
        FollowUpModule,
        AlertModule,
        ProxyModule,
      ],
      providers: [{ provide: SyncConfig, useValue: config }],
      exports: [SyncConfig],
    };
  }
}
