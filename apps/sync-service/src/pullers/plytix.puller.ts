import { Injectable } from '@nestjs/common';
import type { ProviderAccount } from '../provider/provider-catalog.service.js';
import { ProviderHttpClient } from '../provider/provider-http.client.js';
import { SyncError } from '../provider/provider.errors.js';
import { plytixProduct } from './plytix.mapper.js';
import type { CanonicalRecord, OpenedPage, PageState, ProviderPuller, StreamPuller } from './puller.port.js';
import { wholePage } from './puller.port.js';
import { streamedPage } from './streamed-page.js';

type Json = Record<string, unknown>;
const ALL = 'all';
// Ordered by id, not by modified: a product changed mid-chain stays where it was, so offset pages skip none.
const PRODUCTS = '/api/v3/products?_page_size=100&_sort_by=id';
const NEWEST = '/api/v3/products?_page_size=1&_sort_by=-modified&_fields=modified';

/** Where a products chain stands: the next page's path, and the newest `modified` when the chain began. */
interface PlytixCursor {
  next: string;
  newestAtStart: string;
}

/**
 * Plytix products through v3 (`modified[gte]`, `pagination.next_page`). The token is auth-service's: a 401 when it
 * expires (mid-run included) makes the HTTP client ask for a new one once and retry the page.
 */
@Injectable()
export class PlytixPuller implements ProviderPuller {
  readonly provider = 'plytix';
  readonly streams: Readonly<{ products: StreamPuller }>;

  constructor(private readonly http: ProviderHttpClient) {
    this.streams = {
      products: { entity: 'products', partitions: async () => [ALL], fetchPage: (a, _p, s) => this.products(a, s) },
    };
  }

  async fetchOrder(): Promise<CanonicalRecord | null> {
    return null;
  }

  private async products(account: ProviderAccount, state: PageState): Promise<OpenedPage> {
    const cursor = state.cursor ? decode(state.cursor) : await this.startChain(account, state.watermark);
    if (cursor === null) return wholePage([], { nextCursor: null, newestSeen: null });
    const stream = await this.http.open(account, { method: 'GET', path: cursor.next });
    const cap = Date.parse(cursor.newestAtStart);
    return streamedPage(stream, {
      itemsKey: 'data',
      parse: JSON.parse,
      map: plytixProduct,
      // The watermark never passes the newest product at the chain's start: one changed meanwhile is newer still.
      updatedAt: (item) =>
        typeof item.modified === 'string' && Date.parse(item.modified) <= cap ? item.modified : cursor.newestAtStart,
      nextCursor: (rest) => {
        const next = (rest.pagination as Json | undefined)?.next_page;
        return typeof next === 'string' && next !== ''
          ? JSON.stringify({ ...cursor, next: relative(account, next) })
          : null;
      },
      malformed,
    });
  }

  /** The chain's first page, or null when no product changed since the watermark (the probe found none). */
  private async startChain(account: ProviderAccount, watermark: string | null): Promise<PlytixCursor | null> {
    const since = watermark ? `&modified[gte]=${encodeURIComponent(watermark)}` : '';
    const response = await this.http.send(account, { method: 'GET', path: `${NEWEST}${since}` });
    const newest = (parse(response.text).data as Json[] | undefined)?.[0]?.modified;
    if (typeof newest !== 'string') return null;
    return { next: `${PRODUCTS}${since}`, newestAtStart: newest };
  }
}

// `next_page` is an absolute URL; only one under the account's own API base is followed (the token goes with it).
function relative(account: ProviderAccount, url: string): string {
  if (!url.startsWith(`${account.baseUrl}/`))
    throw new SyncError('MALFORMED_RESPONSE', 'Plytix answered a next page outside its API base');
  return url.slice(account.baseUrl.length);
}

function decode(text: string): PlytixCursor {
  try {
    const value = JSON.parse(text) as Partial<PlytixCursor>;
    if (typeof value.next === 'string' && typeof value.newestAtStart === 'string') return value as PlytixCursor;
  } catch {
    // fall through to the typed error
  }
  throw new SyncError('CURSOR_EXPIRED', 'the Plytix checkpoint cursor is not one this version wrote');
}

const malformed = (): SyncError => new SyncError('MALFORMED_RESPONSE', 'Plytix answered with a body that is not JSON');

function parse(text: string): Json {
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Json;
  } catch {
    // fall through to the typed error
  }
  throw malformed();
}
