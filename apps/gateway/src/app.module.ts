import { Module, type DynamicModule } from '@nestjs/common';
import { EXTRA_READINESS_CHECKS, natsSettingsFrom, ServiceCoreModule } from '@shelflink/runtime';
import { AdminAuthModule } from './admin-auth/admin-auth.module.js';
import { GatewayConfig, type GatewayConfigValues } from './config/gateway.config.js';
import { downstreamServices, ServicesIndicator } from './health/services.indicator.js';
import { ConsoleModule } from './console/console.module.js';
import { ConnectPageModule } from './connect-page/connect-page.module.js';
import { ConnectModule } from './connect/connect.module.js';
import { ConnectionsModule } from './connections/connections.module.js';
import { OAuthModule } from './oauth/oauth.module.js';
import { WebhookEventsModule } from './webhook-events/webhook-events.module.js';
import { WebhooksModule } from './webhooks/webhooks.module.js';
import { SyncsModule } from './syncs/syncs.module.js';
import { AlertsModule } from './alerts/alerts.module.js';
import { ProxyModule } from './proxy/proxy.module.js';
import { RecordsModule } from './records/records.module.js';
import { ProductsModule } from './products/products.module.js';
import { CallsModule } from './calls/calls.module.js';

@Module({})
export class GatewayAppModule {
  static register(config: GatewayConfigValues): DynamicModule {
    return {
      module: GatewayAppModule,
      // The config is global: the admin guard (used in every admin module) seals sessions with its key.
      global: true,
      imports: [
        ServiceCoreModule.register('gateway', {
          nats: natsSettingsFrom(config),
          health: {
            extraChecks: [
              ServicesIndicator,
              {
                provide: EXTRA_READINESS_CHECKS,
                inject: [ServicesIndicator],
                useFactory: (services: ServicesIndicator) =>
                  downstreamServices.map((name) => () => services.check(name)),
              },
            ],
          },
        }),
        AdminAuthModule,
        ConsoleModule,
        ConnectionsModule,
        ConnectModule,
        ConnectPageModule,
        OAuthModule,
        WebhooksModule.register(config),
        WebhookEventsModule,
        SyncsModule,
        AlertsModule,
        RecordsModule,
        ProductsModule,
        ProxyModule,
        CallsModule,
      ],
      providers: [{ provide: GatewayConfig, useValue: config }],
      exports: [GatewayConfig],
    };
  }
}
