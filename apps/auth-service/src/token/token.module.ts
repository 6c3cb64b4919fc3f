import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module.js';
import { ConnectionModule } from '../connection/connection.module.js';
import { ProviderModule } from '../provider/provider.module.js';
import { VaultModule } from '../vault/vault.module.js';
import { CachesClearResponder } from './caches-clear.responder.js';
import { KeepAliveService } from './keep-alive.service.js';
import { TokenRefreshService } from './token-refresh.service.js';
import { TokenResponder } from './token.responder.js';
import { TokenService } from './token.service.js';

/** Tokens served over NATS, their single-flight refresh, and the keep-alive of idle grants. */
@Module({
  imports: [AuditModule, VaultModule, ProviderModule, ConnectionModule],
  providers: [TokenService, TokenRefreshService, TokenResponder, KeepAliveService, CachesClearResponder],
  exports: [TokenService],
})
export class TokenModule {}
