import { Injectable } from '@nestjs/common';
import { SyncConfig } from '../config/sync.config.js';
import { ProviderCatalog, type ProviderAccount } from '../provider/provider-catalog.service.js';
import { ProviderHttpClient } from '../provider/provider-http.client.js';
import { CatalogPuller } from './catalog.puller.js';
import type { PullerPlugin } from './puller-plugin.js';
import { shopifyInventoryLevel, shopifyLocation, shopifyOrder, shopifyProduct } from './shopify.mapper.js';

/** Shopify's part of pulling: its mappers (prices are in the shop's currency, kept in the connection's metadata). */
export const shopifyPlugin: PullerPlugin = {
  provider: 'shopify',
  mappers: {
    locations: shopifyLocation,
    products: (raw, account) => shopifyProduct(raw, currencyOf(account)),
    inventory: shopifyInventoryLevel,
    orders: shopifyOrder,
  },
};

/** Shopify REST: Link-header pages, incremental by `updated_at_min`, 64-bit ids kept as strings (all in the catalog). */
@Injectable()
export class ShopifyPuller extends CatalogPuller {
  constructor(http: ProviderHttpClient, catalog: ProviderCatalog, config: SyncConfig) {
    super(shopifyPlugin, http, catalog, config);
  }
}

function currencyOf(account: ProviderAccount): string {
  const currency = account.connection.metadata.currency;
  return typeof currency === 'string' ? currency : 'USD';
}
