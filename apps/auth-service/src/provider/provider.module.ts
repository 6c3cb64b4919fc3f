import { Module } from '@nestjs/common';
import { CallLogModule } from '../call-log/call-log.module.js';
import { ProviderHttpClient } from './provider-http.client.js';
import { ProviderRegistry } from './provider-registry.service.js';
import { TokenExchangeClient } from './token-exchange.client.js';

/** The configured providers, their HTTP client and token endpoints. */
@Module({
  imports: [CallLogModule],
  providers: [ProviderRegistry, ProviderHttpClient, TokenExchangeClient],
  exports: [ProviderRegistry, ProviderHttpClient, TokenExchangeClient],
})
export class ProviderModule {}
