import { Module } from '@nestjs/common';
import { ApiKeyHandler } from './api-key.handler.js';
import { ReturnUrlsService } from './return-urls.service.js';
import { TenantRepository } from './tenant.repository.js';
import { TenantService } from './tenant.service.js';

/** Tenants and their admin API keys. */
@Module({
  controllers: [ApiKeyHandler],
  providers: [TenantRepository, TenantService, ReturnUrlsService],
  exports: [TenantService, ReturnUrlsService],
})
export class TenantModule {}
