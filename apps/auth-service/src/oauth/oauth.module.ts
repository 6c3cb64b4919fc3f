import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module.js';
import { ConnectionModule } from '../connection/connection.module.js';
import { ProviderModule } from '../provider/provider.module.js';
import { TenantModule } from '../tenant/tenant.module.js';
import { VaultModule } from '../vault/vault.module.js';
import { WebhookSubscriptionModule } from '../webhook-subscription/webhook-subscription.module.js';
import { OAuthStateRetentionService } from './oauth-state-retention.service.js';
import { OAuthStateRepository } from './oauth-state.repository.js';
import { OAuthHandler } from './oauth.handler.js';
import { OAuthService } from './oauth.service.js';
import { PostConnectClient } from './post-connect.client.js';
import { ShopifyInstallService } from './shopify-install.service.js';

/** OAuth connect flows: state and PKCE, the callback exchange, post-connect calls, Shopify admin installs. */
@Module({
  imports: [AuditModule, VaultModule, ProviderModule, ConnectionModule, WebhookSubscriptionModule, TenantModule],
  controllers: [OAuthHandler],
  providers: [OAuthStateRepository, OAuthService, PostConnectClient, OAuthStateRetentionService, ShopifyInstallService],
  exports: [OAuthService],
})
export class OAuthModule {}
