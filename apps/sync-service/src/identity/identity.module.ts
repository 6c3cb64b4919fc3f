import { Module } from '@nestjs/common';
import { ProductIdentityController } from './product-identity.controller.js';
import { ProductIdentityLinker } from './product-identity-linker.service.js';
import { ProductIdentityRepository } from './product-identity.repository.js';
import { ProductIdentityService } from './product-identity.service.js';

/** One product across systems: linked as product records are upserted (the linker), read by id, SKU or GTIN. */
@Module({
  controllers: [ProductIdentityController],
  providers: [ProductIdentityLinker, ProductIdentityRepository, ProductIdentityService],
  exports: [ProductIdentityLinker, ProductIdentityRepository],
})
export class IdentityModule {}
