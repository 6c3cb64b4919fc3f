import { Injectable } from '@nestjs/common';
import type { ProviderDefinition, StreamSpec } from '@shelflink/providers';
import { SyncConfig } from '../config/sync.config.js';
import { ProviderCatalog } from '../provider/provider-catalog.service.js';
import { ProviderHttpClient } from '../provider/provider-http.client.js';
import { CatalogPuller } from './catalog.puller.js';
import { plytixProduct } from './plytix.mapper.js';
import type { PullerPlugin, StreamHooks } from './puller-plugin.js';
import { chainRequest, withParam } from './stream-request.js';

type Json = Record<string, unknown>;

/**
 * Plytix's part of pulling: the mapper, and one probe for the newest `modified` when a chain starts (the chain's one
 * slice), which caps the watermark. Requests, `modified[gte]` and `next_page` paging are the catalog's; the token is
 * auth-service's, and a 401 when it expires mid-run makes the HTTP client ask for a new one and retry the page.
 */
export function plytixPlugin(definition: ProviderDefinition | undefined): PullerPlugin {
  const products = definition?.streams.products;
  return {
    provider: 'plytix',
    mappers: { products: plytixProduct },
    ...(products ? { hooks: { products: newestCapped(products) } } : {}),
  };
}

/** Plytix products through v3, as its catalog entry and {@link plytixPlugin} say. */
@Injectable()
export class PlytixPuller extends CatalogPuller {
  constructor(http: ProviderHttpClient, catalog: ProviderCatalog, config: SyncConfig) {
    super(plytixPlugin(catalog.definition('plytix')), http, catalog, config);
  }
}

function newestCapped(spec: StreamSpec): StreamHooks {
  return {
    // One slice per chain, the newest `modified` at its start; none when nothing changed since the watermark.
    sliceChain: async (context, start, after) => {
      if (after !== null) return null;
      let probe = withParam(chainRequest(spec, start), 'query', '_page_size', 1);
      probe = withParam(withParam(probe, 'query', '_sort_by', '-modified'), 'query', '_fields', 'modified');
      const answer = (await context.send(probe)) as Json | null;
      const first: unknown = Array.isArray(answer?.data) ? answer.data[0] : undefined;
      const newest = typeof first === 'object' && first !== null ? (first as Json).modified : undefined;
      return typeof newest === 'string' ? newest : null;
    },
    // The watermark never passes the newest product at the chain's start: one changed meanwhile is newer still.
    watermarkOf: (start) => {
      const newest = start.slice ?? '';
      const cap = Date.parse(newest);
      return (item) => (typeof item.modified === 'string' && Date.parse(item.modified) <= cap ? item.modified : newest);
    },
  };
}
