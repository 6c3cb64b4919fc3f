import { Module, type DynamicModule } from '@nestjs/common';
import { natsSettingsFrom, ServiceCoreModule } from '@shelflink/runtime';
import { AdminModule } from './admin/admin.module.js';
import { AuditModule } from './audit/audit.module.js';
import { AuthConfig, type AuthConfigValues } from './config/auth.config.js';
import { ConnectPageModule } from './connect-page/connect-page.module.js';
import { ConsumerServiceModule } from './consumer-service/consumer-service.module.js';
import { ConnectionLifecycleModule } from './connection-lifecycle/connection-lifecycle.module.js';
import { authDatabase } from './database/auth.database.js';
import { OAuthModule } from './oauth/oauth.module.js';
import { TenantModule } from './tenant/tenant.module.js';
import { TokenModule } from './token/token.module.js';
import { VaultModule } from './vault/vault.module.js';
import { WebhookSubscriptionModule } from './webhook-subscription/webhook-subscription.module.js';

/** auth-service: its core (database, NATS, health) and its domain modules; the validated config is global. */
@Module({})
export class AuthAppModule {
  static register(config: AuthConfigValues): DynamicModule {
    return {
      module: AuthAppModule,
      global: true,
      imports: [
        ServiceCoreModule.register('auth-service', {
          nats: natsSettingsFrom(config),
          database: authDatabase(config.DATABASE_URL, config.DATABASE_POOL_SIZE),
        }),
        AuditModule,
        VaultModule,
        TenantModule,
        TokenModule,
        ConnectionLifecycleModule,
        OAuthModule,
        ConnectPageModule,
        AdminModule,
        WebhookSubscriptionModule,
        ConsumerServiceModule,
      ],
      providers: [{ provide: AuthConfig, useValue: config }],
      exports: [AuthConfig],
    };
  }
}
