import { Module, type DynamicModule } from '@nestjs/common';
import { MetricsController } from '@shelflink/observability';
import { createPingController, EXTRA_READINESS_CHECKS, HealthModule, NatsClientModule } from '@shelflink/runtime';
import { AdminAuthModule } from './admin-auth/admin-auth.module.js';
import { GatewayConfig, type GatewayConfigValues } from './config/gateway.config.js';
import { downstreamServices, ServicesIndicator } from './health/services.indicator.js';
import { ConnectModule } from './connect/connect.module.js';
import { ConnectionsModule } from './connections/connections.module.js';
import { OAuthModule } from './oauth/oauth.module.js';
import { WebhookEventsModule } from './webhook-events/webhook-events.module.js';
import { WebhooksModule } from './webhooks/webhooks.module.js';
import { SyncsModule } from './syncs/syncs.module.js';
import { RecordsModule } from './records/records.module.js';

@Module({})
export class GatewayAppModule {
  static register(config: GatewayConfigValues): DynamicModule {
    return {
      module: GatewayAppModule,
      imports: [
        NatsClientModule.register('gateway', {
          url: config.NATS_URL,
          user: config.NATS_USER,
          password: config.NATS_PASSWORD,
        }),
        AdminAuthModule,
        ConnectionsModule,
        ConnectModule,
        OAuthModule,
        WebhooksModule.register(config),
        WebhookEventsModule,
        SyncsModule,
        RecordsModule,
        HealthModule.register({
          extraChecks: [
            ServicesIndicator,
            {
              provide: EXTRA_READINESS_CHECKS,
              inject: [ServicesIndicator],
              useFactory: (services: ServicesIndicator) => downstreamServices.map((name) => () => services.check(name)),
            },
          ],
        }),
      ],
      controllers: [MetricsController, createPingController('gateway')],
      providers: [{ provide: GatewayConfig, useValue: config }],
    };
  }
}
