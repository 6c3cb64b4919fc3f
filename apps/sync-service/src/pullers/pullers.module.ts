import { Module } from '@nestjs/common';
import { ProviderModule } from '../provider/provider.module.js';
import { PullerRegistry } from './puller.registry.js';
import { NetSuitePuller } from './netsuite.puller.js';
import { PlytixPuller } from './plytix.puller.js';
import { ShopifyPuller } from './shopify.puller.js';
import { SquarePuller } from './square.puller.js';

/** Per-provider pullers that page a stream into canonical records. */
@Module({
  imports: [ProviderModule],
  providers: [SquarePuller, ShopifyPuller, NetSuitePuller, PlytixPuller, PullerRegistry],
  exports: [PullerRegistry],
})
export class PullersModule {}
