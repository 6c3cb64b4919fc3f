import { Module } from '@nestjs/common';
import { ProviderModule } from '../provider/provider.module.js';
import { ProxyPager } from './proxy-pager.service.js';
import { ProxyResponder } from './proxy.responder.js';
import { ProxyService } from './proxy.service.js';

/** The provider proxy: `provider.request.v1(.<service>)` under the shared budget, breakers and retries. */
@Module({
  imports: [ProviderModule],
  providers: [ProxyService, ProxyPager, ProxyResponder],
})
export class ProxyModule {}
