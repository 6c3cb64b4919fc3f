import { Injectable } from '@nestjs/common';
import { BusError, type ProviderPageChunk, type ProviderRequestRequest } from '@shelflink/contracts';
import { walkPages, type PageRequest, type PageResponse } from '@shelflink/providers';
import { SyncConfig } from '../config/sync.config.js';
import { ProviderHttpClient } from '../provider/provider-http.client.js';
import { catalogStream } from './proxy-body.js';
import { urlUnderBase } from './proxy-request.guard.js';
import { proxyBusError } from './proxy.errors.js';
import { ProxyService, type ProxyCaller } from './proxy.service.js';

/**
 * `paginate: true`: walks every page of a catalog stream with the provider's own pagination (Square cursor, Link
 * `rel="next"`, NetSuite offset/hasMore, Jira nextPageToken, Plytix next page URL) and hands the items on in chunks
 * of PROXY_CHUNK_ITEMS, one page in memory at a time, until the provider's last page or a page or item cap.
 */
@Injectable()
export class ProxyPager {
  constructor(
    private readonly proxy: ProxyService,
    private readonly http: ProviderHttpClient,
    private readonly config: SyncConfig,
  ) {}

  async *chunks(input: ProviderRequestRequest, caller: ProxyCaller): AsyncGenerator<ProviderPageChunk> {
    try {
      yield* this.walk(input, caller);
    } catch (error) {
      throw proxyBusError(error);
    }
  }

  private async *walk(input: ProviderRequestRequest, caller: ProxyCaller): AsyncGenerator<ProviderPageChunk> {
    const { account, request } = await this.proxy.prepare(input, caller);
    const stream = catalogStream(account, request.method, request.path);
    if (!stream || (request.method !== 'GET' && request.method !== 'POST'))
      throw new BusError(
        'INVALID_REQUEST',
        `No pagination is known for ${request.method} ${request.path.split('?', 1)[0]}`,
      );
    const maxPages = input.maxPages ?? this.config.PROXY_DEFAULT_MAX_PAGES;
    const maxItems = input.maxItems ?? Number.MAX_SAFE_INTEGER;
    const first: PageRequest = {
      method: request.method,
      url: urlUnderBase(account.baseUrl, request.path),
      headers: {},
      ...(isObject(request.body) ? { body: request.body } : {}),
    };
    const send = async (page: PageRequest): Promise<PageResponse> => {
      const path = page.url.slice(account.baseUrl.length);
      urlUnderBase(account.baseUrl, path);
      const response = await this.http.send(account, { ...request, path, body: page.body, passthrough: true });
      return { status: response.status, headers: Object.fromEntries(response.headers), bodyText: response.text };
    };
    let seq = 0;
    let pages = 0;
    let total = 0;
    let pending: unknown[] = [];
    for await (const items of walkPages(stream, first, send, { maxPages: maxPages + 1 })) {
      pages += 1;
      const room = maxItems - total;
      pending.push(...items.slice(0, room));
      total += Math.min(items.length, room);
      for (; pending.length >= this.config.PROXY_CHUNK_ITEMS; pending = pending.slice(this.config.PROXY_CHUNK_ITEMS)) {
        yield { seq: seq++, items: pending.slice(0, this.config.PROXY_CHUNK_ITEMS), done: false };
      }
      // A cap stops the walk here: no page past it is fetched.
      if (pages >= maxPages || total >= maxItems) {
        yield last(seq, pending, pages, total, true);
        return;
      }
    }
    yield last(seq, pending, pages, total, false);
  }
}

const last = (seq: number, items: unknown[], pages: number, total: number, truncated: boolean): ProviderPageChunk => ({
  seq,
  items,
  done: true,
  pages,
  total,
  truncated,
});

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
