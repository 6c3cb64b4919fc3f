import { Module, type DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { serviceDataSourceOptions } from '@shelflink/database';
import { MetricsController } from '@shelflink/observability';
import { createPingController, HealthModule, NatsClientModule } from '@shelflink/runtime';
import { AuthConfig, type AuthConfigValues } from './config/auth.config.js';
import { authDatabase } from './database/auth.database.js';

@Module({})
export class AuthAppModule {
  static register(config: AuthConfigValues): DynamicModule {
    return {
      module: AuthAppModule,
      imports: [
        TypeOrmModule.forRoot(serviceDataSourceOptions(authDatabase(config.DATABASE_URL, config.DATABASE_POOL_SIZE))),
        NatsClientModule.register('auth-service', {
          url: config.NATS_URL,
          user: config.NATS_USER,
          password: config.NATS_PASSWORD,
        }),
        HealthModule.register(),
      ],
      controllers: [MetricsController, createPingController('auth-service')],
      providers: [{ provide: AuthConfig, useValue: config }],
    };
  }
}
