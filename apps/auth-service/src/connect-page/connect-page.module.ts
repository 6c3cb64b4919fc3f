import { Module } from '@nestjs/common';
import { ConnectionLifecycleModule } from '../connection-lifecycle/connection-lifecycle.module.js';
import { ConnectionModule } from '../connection/connection.module.js';
import { OAuthModule } from '../oauth/oauth.module.js';
import { ProviderModule } from '../provider/provider.module.js';
import { TenantModule } from '../tenant/tenant.module.js';
import { ConnectPageHandler } from './connect-page.handler.js';
import { ConnectPageRepository } from './connect-page.repository.js';
import { ConnectPageService } from './connect-page.service.js';

/** The hosted Connect page's links and the tenant's allowed return URLs. */
@Module({
  imports: [ProviderModule, TenantModule, OAuthModule, ConnectionModule, ConnectionLifecycleModule],
  controllers: [ConnectPageHandler],
  providers: [ConnectPageRepository, ConnectPageService],
})
export class ConnectPageModule {}
