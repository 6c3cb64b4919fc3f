import { Module, type DynamicModule } from '@nestjs/common';
import { natsSettingsFrom, ServiceCoreModule } from '@shelflink/runtime';
import { AdminHandler } from './admin/admin.handler.js';
import { AuditRetentionService } from './audit/audit-retention.service.js';
import { AuditRepository } from './audit/audit.repository.js';
import { AuthConfig, type AuthConfigValues } from './config/auth.config.js';
import { ConnectionLifecycleService } from './connection/connection-lifecycle.service.js';
import { ConnectionHandler } from './connection/connection.handler.js';
import { ConnectionRepository } from './connection/connection.repository.js';
import { ConnectionService } from './connection/connection.service.js';
import { authDatabase } from './database/auth.database.js';
import { OAuthStateRepository } from './oauth/oauth-state.repository.js';
import { OAuthHandler } from './oauth/oauth.handler.js';
import { OAuthService } from './oauth/oauth.service.js';
import { PostConnectClient } from './oauth/post-connect.client.js';
import { ProviderHttpClient } from './provider/provider-http.client.js';
import { ProviderRegistry } from './provider/provider-registry.service.js';
import { ApiKeyHandler } from './tenant/api-key.handler.js';
import { TenantRepository } from './tenant/tenant.repository.js';
import { TenantService } from './tenant/tenant.service.js';
import { KeepAliveService } from './token/keep-alive.service.js';
import { TokenExchangeClient } from './token/token-exchange.client.js';
import { TokenRefreshService } from './token/token-refresh.service.js';
import { TokenResponder } from './token/token.responder.js';
import { TokenService } from './token/token.service.js';
import { CredentialRepository } from './vault/credential.repository.js';
import { KeyRotationService } from './vault/key-rotation.service.js';
import { VaultService } from './vault/vault.service.js';

@Module({})
export class AuthAppModule {
  static register(config: AuthConfigValues): DynamicModule {
    return {
      module: AuthAppModule,
      imports: [
        ServiceCoreModule.register('auth-service', {
          nats: natsSettingsFrom(config),
          database: authDatabase(config.DATABASE_URL, config.DATABASE_POOL_SIZE),
        }),
      ],
      controllers: [ApiKeyHandler, ConnectionHandler, OAuthHandler, AdminHandler],
      providers: [
        { provide: AuthConfig, useValue: config },
        VaultService,
        ProviderRegistry,
        ProviderHttpClient,
        AuditRepository,
        AuditRetentionService,
        TenantRepository,
        TenantService,
        ConnectionRepository,
        CredentialRepository,
        ConnectionService,
        ConnectionLifecycleService,
        TokenExchangeClient,
        TokenRefreshService,
        TokenService,
        TokenResponder,
        KeepAliveService,
        KeyRotationService,
        OAuthStateRepository,
        PostConnectClient,
        OAuthService,
      ],
    };
  }
}
