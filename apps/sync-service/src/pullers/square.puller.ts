import { Injectable } from '@nestjs/common';
import { SyncConfig } from '../config/sync.config.js';
import { ProviderCatalog } from '../provider/provider-catalog.service.js';
import { ProviderHttpClient } from '../provider/provider-http.client.js';
import { CatalogPuller } from './catalog.puller.js';
import type { PullerPlugin } from './puller-plugin.js';
import { squareCount, squareItem, squareLocation, squareOrder } from './square.mapper.js';

/** Square's part of pulling: only its mappers; requests, cursors and the orders' per-location chains are the catalog's. */
export const squarePlugin: PullerPlugin = {
  provider: 'square',
  mappers: { locations: squareLocation, products: squareItem, inventory: squareCount, orders: squareOrder },
};

/** Square: locations, catalog items, inventory counts and orders per location, as the catalog declares them. */
@Injectable()
export class SquarePuller extends CatalogPuller {
  constructor(http: ProviderHttpClient, catalog: ProviderCatalog, config: SyncConfig) {
    super(squarePlugin, http, catalog, config);
  }
}
