import { Injectable } from '@nestjs/common';
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
import { squareCount, squareItem, squareLocation, squareOrder } from './square.mapper.js';
import { streamedPage, type PageShape } from './streamed-page.js';

type Json = Record<string, unknown>;
const MAX_PAGE = 1000;
const ALL = 'all';
const cursorExpired = (status: number, text: string): boolean => status === 400 && text.includes('INVALID_CURSOR');

/** Square: locations (one call), catalog items by `begin_time`, counts by `updated_after`, orders per location by `updated_at`. */
@Injectable()
export class SquarePuller implements ProviderPuller {
  readonly provider = 'square';
  readonly streams: Readonly<Record<'locations' | 'products' | 'inventory' | 'orders', StreamPuller>>;
  private readonly pageSize: number;

  constructor(
    private readonly http: ProviderHttpClient,
    config: SyncConfig,
  ) {
    this.pageSize = Math.min(MAX_PAGE, config.SYNC_PAGE_SIZE);
    const single = async (): Promise<string[]> => [ALL];
    this.streams = {
      locations: {
        entity: 'locations',
        partitions: single,
        fetchPage: async (a) => wholePage(await this.locations(a), { nextCursor: null, newestSeen: null }),
      },
      products: { entity: 'products', partitions: single, fetchPage: (a, _p, s) => this.catalog(a, s) },
      inventory: { entity: 'inventory', partitions: single, fetchPage: (a, _p, s) => this.counts(a, s) },
      orders: {
        entity: 'orders',
        partitions: (a) => this.locationIds(a),
        fetchPage: (a, p, s) => this.orders(a, p, s),
      },
    };
  }

  async fetchOrder(account: ProviderAccount, externalId: string): Promise<CanonicalRecord | null> {
    const body = await this.post(account, '/v2/orders/batch-retrieve', { order_ids: [externalId] });
    const order = (body.orders as Json[] | undefined)?.[0];
    return order ? squareOrder(order) : null;
  }

  private async locations(account: ProviderAccount): Promise<CanonicalRecord[]> {
    const response = await this.http.send(account, { method: 'GET', path: '/v2/locations' });
    const items = (parse(response.text).locations as Json[] | undefined) ?? [];
    return items.map(squareLocation);
  }

  private async locationIds(account: ProviderAccount): Promise<string[]> {
    return (await this.locations(account)).map((record) => record.externalId).sort();
  }

  private catalog(account: ProviderAccount, state: PageState): Promise<OpenedPage> {
    return this.page(
      account,
      '/v2/catalog/search',
      pageOf('objects', squareItem, (i) => i.updated_at),
      {
        object_types: ['ITEM'],
        include_deleted_objects: true,
        limit: this.pageSize,
        ...(state.watermark ? { begin_time: state.watermark } : {}),
        ...(state.cursor ? { cursor: state.cursor } : {}),
      },
    );
  }

  private counts(account: ProviderAccount, state: PageState): Promise<OpenedPage> {
    const shape = pageOf('counts', squareCount, (c) => c.calculated_at);
    return this.page(account, '/v2/inventory/counts/batch-retrieve', shape, {
      states: ['IN_STOCK'],
      limit: this.pageSize,
      ...(state.watermark ? { updated_after: state.watermark } : {}),
      ...(state.cursor ? { cursor: state.cursor } : {}),
    });
  }

  // The query must be identical on every page of a chain: the watermark only moves once a chain completes.
  private orders(account: ProviderAccount, locationId: string, state: PageState): Promise<OpenedPage> {
    return this.page(
      account,
      '/v2/orders/search',
      pageOf('orders', squareOrder, (o) => o.updated_at),
      {
        location_ids: [locationId],
        limit: Math.min(this.pageSize, 1000),
        query: {
          ...(state.watermark ? { filter: { date_time_filter: { updated_at: { start_at: state.watermark } } } } : {}),
          sort: { sort_field: 'UPDATED_AT', sort_order: 'ASC' },
        },
        ...(state.cursor ? { cursor: state.cursor } : {}),
      },
    );
  }

  private async post(account: ProviderAccount, path: string, body: Json): Promise<Json> {
    const response = await this.http.send(account, { method: 'POST', path, body, isCursorExpired: cursorExpired });
    return parse(response.text);
  }

  private async page(account: ProviderAccount, path: string, shape: PageShape, body: Json): Promise<OpenedPage> {
    const stream = await this.http.open(account, { method: 'POST', path, body, isCursorExpired: cursorExpired });
    return streamedPage(stream, shape);
  }
}

// Square pages: the records under one key, the next cursor in the body after them.
function pageOf(itemsKey: string, map: (item: Json) => CanonicalRecord, updatedAt: (item: Json) => unknown): PageShape {
  return {
    itemsKey,
    parse: JSON.parse,
    map,
    updatedAt: (item) => {
      const value = updatedAt(item);
      return typeof value === 'string' ? value : null;
    },
    nextCursor: (rest) => (typeof rest.cursor === 'string' && rest.cursor !== '' ? rest.cursor : null),
    malformed,
  };
}

const malformed = (): SyncError =>
  new SyncError('MALFORMED_RESPONSE', 'Square answered with a body that is not a JSON object');

function parse(text: string): Json {
  try {
    const value: unknown = text === '' ? {} : JSON.parse(text);
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Json;
  } catch {
    // fall through to the typed error
  }
  throw malformed();
}
