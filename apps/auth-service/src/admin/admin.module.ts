import { Module } from '@nestjs/common';
import { ConnectionLifecycleModule } from '../connection-lifecycle/connection-lifecycle.module.js';
import { ConnectionModule } from '../connection/connection.module.js';
import { TenantModule } from '../tenant/tenant.module.js';
import { TokenModule } from '../token/token.module.js';
import { VaultModule } from '../vault/vault.module.js';
import { AdminHandler } from './admin.handler.js';

/** The operator's subjects: tenants, connections, keys, the token cache. */
@Module({
  imports: [VaultModule, ConnectionModule, TokenModule, TenantModule, ConnectionLifecycleModule],
  controllers: [AdminHandler],
})
export class AdminModule {}
