import { Injectable } from '@nestjs/common';
import { SyncConfig } from '../config/sync.config.js';
import type { ProviderAccount } from '../provider/provider-catalog.service.js';
import { ProviderHttpClient } from '../provider/provider-http.client.js';
import { SyncError } from '../provider/provider.errors.js';
import {
  newestOf,
  type CanonicalRecord,
  type PageState,
  type ProviderPuller,
  type PulledPage,
  type StreamPuller,
} from './puller.port.js';
import { squareCount, squareItem, squareLocation, squareOrder } from './square.mapper.js';

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
      locations: { entity: 'locations', partitions: single, fetchPage: (a) => this.locations(a) },
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

  private async locations(account: ProviderAccount): Promise<PulledPage> {
    const response = await this.http.send(account, { method: 'GET', path: '/v2/locations' });
    const items = (parse(response.text).locations as Json[] | undefined) ?? [];
    return { records: items.map(squareLocation), nextCursor: null, newestSeen: null };
  }

  private async locationIds(account: ProviderAccount): Promise<string[]> {
    const page = await this.locations(account);
    return page.records.map((record) => record.externalId).sort();
  }

  private async catalog(account: ProviderAccount, state: PageState): Promise<PulledPage> {
    const body = await this.post(account, '/v2/catalog/search', {
      object_types: ['ITEM'],
      include_deleted_objects: true,
      limit: this.pageSize,
      ...(state.watermark ? { begin_time: state.watermark } : {}),
      ...(state.cursor ? { cursor: state.cursor } : {}),
    });
    const items = (body.objects as Json[] | undefined) ?? [];
    return page(
      items.map(squareItem),
      body.cursor,
      newestOf(items, (i) => i.updated_at as string),
    );
  }

  private async counts(account: ProviderAccount, state: PageState): Promise<PulledPage> {
    const body = await this.post(account, '/v2/inventory/counts/batch-retrieve', {
      states: ['IN_STOCK'],
      limit: this.pageSize,
      ...(state.watermark ? { updated_after: state.watermark } : {}),
      ...(state.cursor ? { cursor: state.cursor } : {}),
    });
    const counts = (body.counts as Json[] | undefined) ?? [];
    return page(
      counts.map(squareCount),
      body.cursor,
      newestOf(counts, (c) => c.calculated_at as string),
    );
  }

  // The query must be identical on every page of a chain: the watermark only moves once a chain completes.
  private async orders(account: ProviderAccount, locationId: string, state: PageState): Promise<PulledPage> {
    const body = await this.post(account, '/v2/orders/search', {
      location_ids: [locationId],
      limit: Math.min(this.pageSize, 1000),
      query: {
        ...(state.watermark ? { filter: { date_time_filter: { updated_at: { start_at: state.watermark } } } } : {}),
        sort: { sort_field: 'UPDATED_AT', sort_order: 'ASC' },
      },
      ...(state.cursor ? { cursor: state.cursor } : {}),
    });
    const orders = (body.orders as Json[] | undefined) ?? [];
    return page(
      orders.map(squareOrder),
      body.cursor,
      newestOf(orders, (o) => o.updated_at as string),
    );
  }

  private async post(account: ProviderAccount, path: string, body: Json): Promise<Json> {
    const response = await this.http.send(account, { method: 'POST', path, body, isCursorExpired: cursorExpired });
    return parse(response.text);
  }
}

function page(records: CanonicalRecord[], cursor: unknown, newestSeen: string | null): PulledPage {
  return { records, nextCursor: typeof cursor === 'string' && cursor !== '' ? cursor : null, newestSeen };
}

function parse(text: string): Json {
  try {
    const value: unknown = text === '' ? {} : JSON.parse(text);
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Json;
  } catch {
    // fall through to the typed error
  }
  throw new SyncError('MALFORMED_RESPONSE', 'Square answered with a body that is not a JSON object');
}
