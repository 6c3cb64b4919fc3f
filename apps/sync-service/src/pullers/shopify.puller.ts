import { Injectable } from '@nestjs/common';
import { linkTarget, parseJsonPreservingBigInts } from '@shelflink/providers';
import { SyncConfig } from '../config/sync.config.js';
import type { ProviderAccount } from '../provider/provider-catalog.service.js';
import { ProviderHttpClient } from '../provider/provider-http.client.js';
import { SyncError } from '../provider/provider.errors.js';
import {
  wholePage,
  type CanonicalRecord,
  type OpenedPage,
  type PageState,
  type ProviderPuller,
  type StreamPuller,
} from './puller.port.js';
import { shopifyInventoryLevel, shopifyLocation, shopifyOrder, shopifyProduct } from './shopify.mapper.js';
import { streamedPage } from './streamed-page.js';

type Json = Record<string, unknown>;
const MAX_PAGE = 250;
const ALL = 'all';
const idKey = (key: string): boolean => key === 'id' || key.endsWith('_id');
const cursorExpired = (status: number, text: string): boolean => status === 400 && text.includes('page_info');

/** The `page_info` of the `rel="next"` link, if any. */
export function nextPageInfo(link: string | null): string | null {
  const next = link === null ? undefined : linkTarget(link, 'next');
  return next === undefined ? null : new URL(next).searchParams.get('page_info');
}

/** Shopify REST: Link-header pages of 250, incremental by `updated_at_min`; 64-bit ids kept as strings. */
@Injectable()
export class ShopifyPuller implements ProviderPuller {
  readonly provider = 'shopify';
  readonly streams: Readonly<Record<'locations' | 'products' | 'inventory' | 'orders', StreamPuller>>;
  private readonly limit: number;

  constructor(
    private readonly http: ProviderHttpClient,
    config: SyncConfig,
  ) {
    this.limit = Math.min(MAX_PAGE, config.SYNC_PAGE_SIZE);
    const single = async (): Promise<string[]> => [ALL];
    this.streams = {
      locations: {
        entity: 'locations',
        partitions: single,
        fetchPage: async (a) => wholePage(await this.locations(a), { nextCursor: null, newestSeen: null }),
      },
      products: {
        entity: 'products',
        partitions: single,
        fetchPage: (a, _p, s) =>
          this.list(a, s, '/products.json', 'products', (raw) => shopifyProduct(raw, currencyOf(a))),
      },
      inventory: {
        entity: 'inventory',
        // One chain per location: inventory_levels needs location_ids, and locations come and go independently.
        partitions: async (a) => (await this.locations(a)).map((r) => r.externalId).sort(),
        fetchPage: (a, p, s) =>
          this.list(a, s, `/inventory_levels.json?location_ids=${p}`, 'inventory_levels', shopifyInventoryLevel),
      },
      orders: {
        entity: 'orders',
        partitions: single,
        fetchPage: (a, _p, s) =>
          this.list(a, s, '/orders.json?status=any&order=updated_at%20asc', 'orders', shopifyOrder),
      },
    };
  }

  async fetchOrder(account: ProviderAccount, externalId: string): Promise<CanonicalRecord | null> {
    if (!/^\d{1,20}$/.test(externalId)) return null;
    const response = await this.http.send(account, {
      method: 'GET',
      path: `/orders.json?status=any&ids=${externalId}`,
    });
    const order = (parse(response.text).orders as Json[] | undefined)?.[0];
    return order ? shopifyOrder(order) : null;
  }

  private async locations(account: ProviderAccount): Promise<CanonicalRecord[]> {
    const response = await this.http.send(account, { method: 'GET', path: '/locations.json' });
    const items = (parse(response.text).locations as Json[] | undefined) ?? [];
    return items.map(shopifyLocation);
  }

  // With page_info only limit may come along; the filters travel inside the cursor.
  private async list(
    account: ProviderAccount,
    state: PageState,
    firstPath: string,
    itemsKey: string,
    map: (raw: Json) => CanonicalRecord,
  ): Promise<OpenedPage> {
    const [path = '', query = ''] = firstPath.split('?');
    const params = new URLSearchParams(state.cursor ? '' : query);
    params.set('limit', String(this.limit));
    if (state.cursor) params.set('page_info', state.cursor);
    else if (state.watermark) params.set('updated_at_min', state.watermark);
    const stream = await this.http.open(account, {
      method: 'GET',
      path: `${path}?${params.toString()}`,
      isCursorExpired: cursorExpired,
    });
    return streamedPage(stream, {
      itemsKey,
      parse: parseJson,
      map,
      updatedAt: (item) => (typeof item.updated_at === 'string' ? item.updated_at : null),
      nextCursor: (_rest, headers) => nextPageInfo(headers.get('link')),
      malformed,
    });
  }
}

function currencyOf(account: ProviderAccount): string {
  const currency = account.connection.metadata.currency;
  return typeof currency === 'string' ? currency : 'USD';
}

const parseJson = (text: string): unknown => parseJsonPreservingBigInts(text, { stringifyKey: idKey });
const malformed = (): SyncError =>
  new SyncError('MALFORMED_RESPONSE', 'Shopify answered with a body that is not a JSON object');

function parse(text: string): Json {
  try {
    const value = parseJson(text === '' ? '{}' : text);
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Json;
  } catch {
    // fall through to the typed error
  }
  throw malformed();
}
