import { Module } from '@nestjs/common';
import { CallLogModule } from '../call-log/call-log.module.js';
import { AccountResolver } from './account.resolver.js';
import { CachesClearResponder } from './caches-clear.responder.js';
import { ConnectionDirectory } from './connection-directory.service.js';
import { ProviderCatalog } from './provider-catalog.service.js';
import { ProviderGuards } from './provider-guards.service.js';
import { ProviderHttpClient } from './provider-http.client.js';

/** Provider accounts and the guarded HTTP client every provider call goes through (budget, breaker, retries). */
@Module({
  imports: [CallLogModule],
  providers: [
    ProviderCatalog,
    ConnectionDirectory,
    CachesClearResponder,
    AccountResolver,
    ProviderGuards,
    ProviderHttpClient,
  ],
  exports: [ProviderCatalog, AccountResolver, ProviderHttpClient, ConnectionDirectory],
})
export class ProviderModule {}
