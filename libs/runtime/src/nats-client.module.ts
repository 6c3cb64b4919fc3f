import { Global, Module, type DynamicModule } from '@nestjs/common';
import type { ServiceName } from '@shelflink/contracts';
import { AlertPublisher, NatsClient, type NatsSettings } from '@shelflink/messaging';

/**
 * Provides the service's raw NatsClient (typed requests, JetStream, readiness probe) and its publisher of operator
 * alerts (`ops.alert.v1`) to the whole app.
 */
@Global()
@Module({})
export class NatsClientModule {
  static register(service: ServiceName, settings: NatsSettings): DynamicModule {
    return {
      module: NatsClientModule,
      providers: [
        { provide: NatsClient, useFactory: () => NatsClient.connect(service, settings) },
        {
          provide: AlertPublisher,
          useFactory: (nats: NatsClient) => new AlertPublisher(nats.connection, service),
          inject: [NatsClient],
        },
      ],
      exports: [NatsClient, AlertPublisher],
    };
  }
}
