import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module.js';
import { ConnectionModule } from '../connection/connection.module.js';
import { ProviderModule } from '../provider/provider.module.js';
import { TokenModule } from '../token/token.module.js';
import { VaultModule } from '../vault/vault.module.js';
import { WebhookSubscriptionModule } from '../webhook-subscription/webhook-subscription.module.js';
import { ConnectionLifecycleService } from './connection-lifecycle.service.js';
import { ConnectionHandler } from './connection.handler.js';

/** The connection subjects: create, read, test, sign, disconnect, revoked at the provider. */
@Module({
  imports: [AuditModule, VaultModule, ProviderModule, ConnectionModule, TokenModule, WebhookSubscriptionModule],
  controllers: [ConnectionHandler],
  providers: [ConnectionLifecycleService],
  exports: [ConnectionLifecycleService],
})
export class ConnectionLifecycleModule {}
