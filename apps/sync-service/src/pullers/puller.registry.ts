import { Injectable } from '@nestjs/common';
import type { RecordEntity } from '@shelflink/contracts';
import { SyncConfig } from '../config/sync.config.js';
import { ProviderCatalog } from '../provider/provider-catalog.service.js';
import { ProviderHttpClient } from '../provider/provider-http.client.js';
import { SyncError } from '../provider/provider.errors.js';
import { CatalogPuller } from './catalog.puller.js';
import { declaredPlugin } from './declared.plugin.js';
import type { ProviderPuller, StreamPuller } from './puller.port.js';
import { NetSuitePuller } from './netsuite.puller.js';
import { PlytixPuller } from './plytix.puller.js';
import { ShopifyPuller } from './shopify.puller.js';
import { SquarePuller } from './square.puller.js';

/**
 * The pullers by provider key: the built-in ones (a plugin of mappers and hooks each), and one for every provider the
 * deployment's providers config declares with mapped streams, which needs no code at all.
 */
@Injectable()
export class PullerRegistry {
  private readonly pullers: ReadonlyMap<string, ProviderPuller>;

  constructor(
    square: SquarePuller,
    shopify: ShopifyPuller,
    netsuite: NetSuitePuller,
    plytix: PlytixPuller,
    http: ProviderHttpClient,
    catalog: ProviderCatalog,
    config: SyncConfig,
  ) {
    const builtIn = [square, shopify, netsuite, plytix];
    const declared = catalog
      .keys()
      .flatMap((key) => declaredPlugin(key, catalog.definition(key)) ?? [])
      .map((plugin) => new CatalogPuller(plugin, http, catalog, config));
    this.pullers = new Map<string, ProviderPuller>(
      [...builtIn, ...declared].filter((p) => Object.keys(p.streams).length > 0).map((p) => [p.provider, p]),
    );
  }

  supports(provider: string): boolean {
    return this.pullers.has(provider);
  }

  forProvider(provider: string): ProviderPuller {
    const puller = this.pullers.get(provider);
    if (!puller) throw new SyncError('UNSUPPORTED_PROVIDER', `sync-service has no puller for ${provider}`);
    return puller;
  }

  stream(provider: string, stream: RecordEntity): StreamPuller {
    const puller = this.forProvider(provider).streams[stream];
    if (!puller) throw new SyncError('UNSUPPORTED_STREAM', `${provider} has no ${stream} stream`);
    return puller;
  }

  streamsOf(provider: string): RecordEntity[] {
    return Object.keys(this.forProvider(provider).streams) as RecordEntity[];
  }
}
