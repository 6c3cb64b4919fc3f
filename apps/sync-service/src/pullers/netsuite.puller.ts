import { Injectable } from '@nestjs/common';
import { SyncConfig } from '../config/sync.config.js';
import type { ProviderAccount } from '../provider/provider-catalog.service.js';
import { ProviderHttpClient } from '../provider/provider-http.client.js';
import { SyncError } from '../provider/provider.errors.js';
import {
  ISO_FORMAT,
  netsuiteInventory,
  netsuiteItem,
  netsuiteLocation,
  netsuiteOrder,
  type SuiteQlRow,
} from './netsuite.mapper.js';
import {
  newerTimestamp,
  wholePage,
  type CanonicalRecord,
  type OpenedPage,
  type PageEnd,
  type PageState,
  type ProviderPuller,
  type StreamPuller,
} from './puller.port.js';
import { streamedPage } from './streamed-page.js';
import {
  boundQuery,
  decodeCursor,
  encodeCursor,
  midpoint,
  pageQuery,
  sliceUnit,
  sliceValue,
  type SuiteQlCursor,
  type SuiteQlStream,
  type Window,
} from './suiteql.query.js';

type Json = Record<string, unknown>;
type Entity = 'locations' | 'products' | 'inventory' | 'orders';

const MAX_PAGE = 1000;
const ALL = 'all';
const MODIFIED = `TO_CHAR(lastmodifieddate, '${ISO_FORMAT}') AS lastmodified`;
const BY_MODIFIED = { column: 'lastmodifieddate', kind: 'time' } as const;

const STREAMS: Readonly<Record<Entity, SuiteQlStream>> = {
  locations: {
    table: 'location',
    select: `id, name, fullname, isinactive, ${MODIFIED}`,
    orderBy: 'id',
    slice: BY_MODIFIED,
  },
  products: {
    table: 'item',
    select: `id, itemid, displayname, upccode, itemtype, isinactive, baseprice, ${MODIFIED}`,
    orderBy: 'id',
    slice: BY_MODIFIED,
  },
  // No modification date on this table: always read whole, cut by item id when it is large.
  inventory: {
    table: 'inventoryitemlocations',
    select: 'item, location, quantityonhand, quantitycommitted, quantityavailable',
    orderBy: 'item, location',
    slice: { column: 'item', kind: 'number' },
  },
  orders: {
    table: 'transaction',
    select: `id, tranid, type, status, entity, location, foreigntotal, TO_CHAR(createddate, '${ISO_FORMAT}') AS created, ${MODIFIED}`,
    filter: "type IN ('SalesOrd', 'CashSale')",
    orderBy: 'id',
    slice: BY_MODIFIED,
  },
};
const LINES = 'SELECT transaction, id, item, quantity, rate, netamount FROM transactionline';

/** A SuiteQL answer: one page of rows, whether more follow, and how many rows the query matches. */
interface SuiteQlAnswer {
  items: SuiteQlRow[];
  hasMore: boolean;
  totalResults: number;
}

/**
 * NetSuite through SuiteQL (`Prefer: transient`, limit/offset/hasMore). Incremental streams filter on
 * `lastmodifieddate` with a stable ORDER BY id; a query matching more rows than NetSuite returns (100,000) is cut
 * into date windows, sized with one-row probes, each paged on its own (as Airbyte's NetSuite source does).
 */
@Injectable()
export class NetSuitePuller implements ProviderPuller {
  readonly provider = 'netsuite';
  readonly streams: Readonly<Record<Entity, StreamPuller>>;
  private readonly pageSize: number;
  private readonly maxRows: number;

  constructor(
    private readonly http: ProviderHttpClient,
    config: SyncConfig,
  ) {
    this.pageSize = Math.min(MAX_PAGE, config.SYNC_PAGE_SIZE);
    this.maxRows = config.SYNC_SUITEQL_MAX_ROWS;
    const single = async (): Promise<string[]> => [ALL];
    const stream = (entity: Entity): StreamPuller => ({
      entity,
      partitions: single,
      fetchPage: (account, _partition, state) => this.page(account, entity, state),
    });
    this.streams = {
      locations: stream('locations'),
      products: stream('products'),
      inventory: stream('inventory'),
      orders: stream('orders'),
    };
  }

  async fetchOrder(account: ProviderAccount, externalId: string): Promise<CanonicalRecord | null> {
    if (!/^[0-9]+$/.test(externalId)) return null;
    const spec = { ...STREAMS.orders, filter: `${STREAMS.orders.filter} AND id = ${externalId}` };
    const answer = await this.query(account, pageQuery(spec, { from: null, to: null }), 1, 0);
    const [header] = answer.items;
    return header ? ((await this.withLines(account, [header]))[0] ?? null) : null;
  }

  private async page(account: ProviderAccount, entity: Entity, state: PageState): Promise<OpenedPage> {
    const spec = STREAMS[entity];
    const incremental = entity !== 'locations' && spec.slice.kind === 'time';
    const from = incremental && state.watermark ? sliceValue(spec, state.watermark) : null;
    const cursor = state.cursor ? decodeCursor(state.cursor) : await this.startChain(account, spec, from);
    if (cursor === null) return wholePage([], { nextCursor: null, newestSeen: null });
    const sized = cursor.sized ? cursor : await this.sizeWindow(account, spec, cursor);
    const q = pageQuery(spec, sized.window);
    const next = (hasMore: boolean): string | null => this.nextCursor(sized, hasMore);
    const cap = incremental ? sized.newestAtStart : null;
    if (entity === 'orders') return this.ordersPage(account, q, sized.offset, next, cap);
    const map = (row: Json): CanonicalRecord =>
      entity === 'locations'
        ? netsuiteLocation(row as SuiteQlRow)
        : entity === 'products'
          ? netsuiteItem(row as SuiteQlRow, currencyOf(account))
          : netsuiteInventory(row as SuiteQlRow);
    const stream = await this.http.open(account, this.request(q, this.pageSize, sized.offset));
    return streamedPage(stream, {
      itemsKey: 'items',
      parse: JSON.parse,
      map,
      updatedAt: (row) => (cap === null ? null : capped(row.lastmodified, cap)),
      nextCursor: (rest) => next(rest.hasMore === true),
      malformed,
    });
  }

  /** The chain's first window; null when nothing changed since the watermark (one probe, no page). */
  private async startChain(
    account: ProviderAccount,
    spec: SuiteQlStream,
    from: number | null,
  ): Promise<SuiteQlCursor | null> {
    const probe = await this.query(account, boundQuery(spec, { from, to: null }, true), 1, 0);
    const newest = probe.items[0]?.v;
    if (probe.totalResults === 0 || newest === undefined) return null;
    const start: SuiteQlCursor = { window: { from, to: null }, offset: 0, sized: false, newestAtStart: newest };
    return this.fit(account, spec, start, probe.totalResults, sliceValue(spec, newest));
  }

  /** Sizes a window that follows a finished one: from its start to the end of the chain, cut down if too large. */
  private async sizeWindow(
    account: ProviderAccount,
    spec: SuiteQlStream,
    cursor: SuiteQlCursor,
  ): Promise<SuiteQlCursor> {
    const probe = await this.query(account, boundQuery(spec, { from: cursor.window.from, to: null }, true), 1, 0);
    const newest = probe.items[0]?.v;
    if (newest === undefined) return { ...cursor, window: { from: cursor.window.from, to: null }, sized: true };
    return this.fit(account, spec, cursor, probe.totalResults, sliceValue(spec, newest));
  }

  // Open-ended when it fits (rows only join an open window: offset paging skips none); else halved until it does.
  private async fit(
    account: ProviderAccount,
    spec: SuiteQlStream,
    cursor: SuiteQlCursor,
    total: number,
    newest: number,
  ): Promise<SuiteQlCursor> {
    if (total <= this.maxRows) return { ...cursor, window: { from: cursor.window.from, to: null }, sized: true };
    const from = cursor.window.from ?? (await this.oldest(account, spec));
    let to = newest + sliceUnit(spec);
    for (;;) {
      const middle = midpoint(spec, from, to);
      if (middle <= from)
        throw new SyncError(
          'WINDOW_TOO_LARGE',
          `more than ${this.maxRows} NetSuite ${spec.table} rows share one ${spec.slice.column} value`,
        );
      to = middle;
      const window: Window = { from, to };
      const count = await this.query(account, boundQuery(spec, window, true), 1, 0);
      if (count.totalResults <= this.maxRows) return { ...cursor, window, offset: 0, sized: true };
    }
  }

  private async oldest(account: ProviderAccount, spec: SuiteQlStream): Promise<number> {
    const probe = await this.query(account, boundQuery(spec, { from: null, to: null }, false), 1, 0);
    const oldest = probe.items[0]?.v;
    if (oldest === undefined) throw new SyncError('MALFORMED_RESPONSE', 'NetSuite answered no oldest row');
    return sliceValue(spec, oldest);
  }

  // More rows: the next page of this window. A bounded window done: the next window, sized when it is fetched.
  private nextCursor(cursor: SuiteQlCursor, hasMore: boolean): string | null {
    if (hasMore) return encodeCursor({ ...cursor, offset: cursor.offset + this.pageSize });
    if (cursor.window.to === null) return null;
    return encodeCursor({ ...cursor, window: { from: cursor.window.to, to: null }, offset: 0, sized: false });
  }

  /** Headers, then their item lines (one query over the page's ids, paged); read whole, mapped together. */
  private async ordersPage(
    account: ProviderAccount,
    q: string,
    offset: number,
    next: (hasMore: boolean) => string | null,
    cap: string | null,
  ): Promise<OpenedPage> {
    const headers = await this.query(account, q, this.pageSize, offset);
    const records = await this.withLines(account, headers.items);
    const newest = headers.items.reduce<string | null>(
      (a, h) => newerTimestamp(a, cap === null ? null : capped(h.lastmodified, cap)),
      null,
    );
    const end: PageEnd = { nextCursor: next(headers.hasMore), newestSeen: newest };
    return wholePage(records, end);
  }

  private async withLines(account: ProviderAccount, headers: readonly SuiteQlRow[]): Promise<CanonicalRecord[]> {
    if (headers.length === 0) return [];
    const ids = headers.map((h) => Number(h.id)).filter(Number.isInteger);
    const q = `${LINES} WHERE transaction IN (${ids.join(', ')}) AND mainline = 'F' ORDER BY uniquekey`;
    const lines = new Map<string, SuiteQlRow[]>();
    for (let offset = 0, more = true; more; offset += MAX_PAGE) {
      const answer = await this.query(account, q, MAX_PAGE, offset);
      for (const line of answer.items) {
        const key = String(line.transaction);
        lines.set(key, [...(lines.get(key) ?? []), line]);
      }
      more = answer.hasMore;
    }
    const currency = currencyOf(account);
    return headers.map((h) => netsuiteOrder(h, lines.get(String(h.id)) ?? [], currency));
  }

  private async query(account: ProviderAccount, q: string, limit: number, offset: number): Promise<SuiteQlAnswer> {
    const response = await this.http.send(account, this.request(q, limit, offset));
    return answerOf(response.text);
  }

  private request(q: string, limit: number, offset: number) {
    return {
      method: 'POST' as const,
      path: `/query/v1/suiteql?limit=${limit}&offset=${offset}`,
      body: { q },
      headers: { Prefer: 'transient' },
    };
  }
}

// The account's base currency: SuiteQL gives a currency's internal id, not its code; connection metadata can name it.
function currencyOf(account: ProviderAccount): string {
  const currency = account.connection.metadata.currency;
  return typeof currency === 'string' && currency !== '' ? currency : 'USD';
}

// The watermark never passes the newest row at the chain's start: a row changed while the chain ran is newer still.
function capped(value: unknown, cap: string): string | null {
  if (typeof value !== 'string') return null;
  return Date.parse(value) > Date.parse(cap) ? cap : value;
}

const malformed = (): SyncError =>
  new SyncError('MALFORMED_RESPONSE', 'NetSuite answered with a body that is not a SuiteQL result');

function answerOf(text: string): SuiteQlAnswer {
  try {
    const value = JSON.parse(text) as Partial<SuiteQlAnswer>;
    if (Array.isArray(value.items))
      return { items: value.items, hasMore: value.hasMore === true, totalResults: Number(value.totalResults ?? 0) };
  } catch {
    // fall through to the typed error
  }
  throw malformed();
}
