import { Global, Module, type DynamicModule } from '@nestjs/common';
import type { ServiceName } from '@shelflink/contracts';
import { NatsClient, type NatsSettings } from '@shelflink/messaging';

/** Provides the service's raw NatsClient (typed requests, JetStream, readiness probe) to the whole app. */
@Global()
@Module({})
export class NatsClientModule {
  static register(service: ServiceName, settings: NatsSettings): DynamicModule {
    return {
      module: NatsClientModule,
      providers: [{ provide: NatsClient, useFactory: () => NatsClient.connect(service, settings) }],
      exports: [NatsClient],
    };
  }
}
