import { Module, type DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { ServiceName } from '@shelflink/contracts';
import { serviceDataSourceOptions, type ServiceDatabase } from '@shelflink/database';
import type { NatsSettings } from '@shelflink/messaging';
import { MetricsController } from '@shelflink/observability';
import { ClockModule } from './clock.js';
import { HealthModule } from './health.module.js';
import { NatsClientModule } from './nats-client.module.js';
import { createPingController } from './ping.controller.js';

/** The NATS variables every service validates (`natsEnv`, and `natsStreamsEnv` where it has streams), as settings. */
export function natsSettingsFrom(config: {
  NATS_URL: string;
  NATS_USER: string;
  NATS_PASSWORD: string;
  NATS_STREAM_REPLICAS?: number;
  NATS_STREAM_PLACEMENT_TAGS?: string[];
}): NatsSettings {
  return {
    url: config.NATS_URL,
    user: config.NATS_USER,
    password: config.NATS_PASSWORD,
    streams: { replicas: config.NATS_STREAM_REPLICAS ?? 1, placementTags: config.NATS_STREAM_PLACEMENT_TAGS ?? [] },
  };
}

/**
 * What every service has besides its domain: its schema's data source (when it owns one), its NATS client, health,
 * metrics and the `<service>.ping.v1` handler.
 */
@Module({})
export class ServiceCoreModule {
  static register(
    service: ServiceName,
    options: { nats: NatsSettings; database?: ServiceDatabase; health?: Parameters<typeof HealthModule.register>[0] },
  ): DynamicModule {
    return {
      module: ServiceCoreModule,
      imports: [
        ...(options.database ? [TypeOrmModule.forRoot(serviceDataSourceOptions(options.database))] : []),
        ClockModule,
        NatsClientModule.register(service, options.nats),
        HealthModule.register(options.health),
      ],
      controllers: [MetricsController, createPingController(service)],
    };
  }
}
