import { Module, type DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { serviceDataSourceOptions } from '@shelflink/database';
import { MetricsController } from '@shelflink/observability';
import { createPingController, HealthModule, NatsClientModule } from '@shelflink/runtime';
import { SyncConfig, type SyncConfigValues } from './config/sync.config.js';
import { syncDatabase } from './database/sync.database.js';
import { SyncModule } from './sync.module.js';

@Module({})
export class SyncAppModule {
  static register(config: SyncConfigValues): DynamicModule {
    return {
      module: SyncAppModule,
      imports: [
        TypeOrmModule.forRoot(serviceDataSourceOptions(syncDatabase(config.DATABASE_URL, config.DATABASE_POOL_SIZE))),
        NatsClientModule.register('sync-service', {
          url: config.NATS_URL,
          user: config.NATS_USER,
          password: config.NATS_PASSWORD,
        }),
        HealthModule.register(),
        SyncModule,
      ],
      controllers: [MetricsController, createPingController('sync-service')],
      providers: [{ provide: SyncConfig, useValue: config }],
      exports: [SyncConfig],
      global: true,
    };
  }
}
