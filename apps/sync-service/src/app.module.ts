import { Module, type DynamicModule } from '@nestjs/common';
import { natsSettingsFrom, ServiceCoreModule } from '@shelflink/runtime';
import { SyncConfig, type SyncConfigValues } from './config/sync.config.js';
import { syncDatabase } from './database/sync.database.js';
import { SyncModule } from './sync.module.js';

@Module({})
export class SyncAppModule {
  static register(config: SyncConfigValues): DynamicModule {
    return {
      module: SyncAppModule,
      imports: [
        ServiceCoreModule.register('sync-service', {
          nats: natsSettingsFrom(config),
          database: syncDatabase(config.DATABASE_URL, config.DATABASE_POOL_SIZE),
        }),
        SyncModule,
      ],

      providers: [{ provide: SyncConfig, useValue: config }],
      exports: [SyncConfig],
      global: true,
    };
  }
}
