import { Injectable } from '@nestjs/common';
import type { RecordEntity } from '@shelflink/contracts';
import type { ProviderDefinition, StreamSpec } from '@shelflink/providers';
import { SyncConfig } from '../config/sync.config.js';
import { ProviderCatalog, type ProviderAccount } from '../provider/provider-catalog.service.js';
import { ProviderHttpClient } from '../provider/provider-http.client.js';
import { SyncError } from '../provider/provider.errors.js';
import { CatalogPuller } from './catalog.puller.js';
import {
  netsuiteInventory,
  netsuiteItem,
  netsuiteLocation,
  netsuiteOrder,
  type SuiteQlRow,
} from './netsuite.mapper.js';
import type { PullerPlugin, StreamHooks, StreamRequest } from './puller-plugin.js';
import { withParam } from './stream-request.js';
import { decodeSlice, pageQuery, parseSuiteQl, type SliceColumn } from './suiteql.query.js';
import { SuiteQlWindows } from './suiteql.windows.js';

type Json = Record<string, unknown>;
type Entity = 'locations' | 'products' | 'inventory' | 'orders';

const LINES_PAGE = 1000;
const BY_MODIFIED: SliceColumn = { column: 'lastmodifieddate', kind: 'time' };
// What each stream's windows cut along; inventory has no modification date, so it is cut by item id.
const SLICE_BY: Readonly<Record<Entity, SliceColumn>> = {
  locations: BY_MODIFIED,
  products: BY_MODIFIED,
  inventory: { column: 'item', kind: 'number' },
  orders: BY_MODIFIED,
};
const LINES = 'SELECT transaction, id, item, quantity, rate, netamount FROM transactionline';
// Lines ride on their header under a key no SuiteQL column can have.
const LINES_KEY = '@lines';

/**
 * NetSuite's part of pulling. The catalog says the SuiteQL request and its limit/offset/hasMore paging; the hooks add
 * what it cannot: the date (or id) windows under the row cap, the watermark's cap, and the orders' item lines.
 */
export function netsuitePlugin(definition: ProviderDefinition | undefined, maxRows: number): PullerPlugin {
  const hooks: Partial<Record<RecordEntity, StreamHooks>> = {};
  for (const entity of Object.keys(SLICE_BY) as Entity[]) {
    const spec = definition?.streams[entity];
    if (spec) hooks[entity] = suiteQlHooks(spec, SLICE_BY[entity], maxRows);
  }
  const orders = definition?.streams.orders;
  if (hooks.orders && orders) hooks.orders = { ...hooks.orders, withDetails: linesFetcher(suiteQlRequest(orders)) };
  return {
    provider: 'netsuite',
    mappers: {
      locations: (row) => netsuiteLocation(row as SuiteQlRow),
      products: (row, account) => netsuiteItem(row as SuiteQlRow, currencyOf(account)),
      inventory: (row) => netsuiteInventory(row as SuiteQlRow),
      orders: (row, account) => netsuiteOrder(row as SuiteQlRow, linesOf(row), currencyOf(account)),
    },
    hooks,
  };
}

/** NetSuite through SuiteQL, as its catalog entry and {@link netsuitePlugin} say. */
@Injectable()
export class NetSuitePuller extends CatalogPuller {
  constructor(http: ProviderHttpClient, catalog: ProviderCatalog, config: SyncConfig) {
    super(netsuitePlugin(catalog.definition('netsuite'), config.SYNC_SUITEQL_MAX_ROWS), http, catalog, config);
  }
}

function suiteQlHooks(spec: StreamSpec, sliceBy: SliceColumn, maxRows: number): StreamHooks {
  const stream = parseSuiteQl(spec.body?.q, sliceBy);
  // Only a time column is an incremental cursor (`q:lastmodifieddate`: the hook writes the filter).
  const incremental = spec.incremental !== undefined && sliceBy.kind === 'time';
  const windows = new SuiteQlWindows(stream, suiteQlRequest(spec), maxRows, incremental);
  return {
    sliceChain: (context, start, after) => windows.next(context, start, after),
    firstRequest: (built, start) => ({
      ...built,
      body: { ...built.body, q: pageQuery(stream, decodeSlice(start.slice).window) },
    }),
    watermarkOf: (start) => {
      if (!incremental) return () => null;
      const cap = decodeSlice(start.slice).newestAtStart;
      return (row) => capped(row.lastmodified, cap);
    },
  };
}

/** The catalog's SuiteQL request without its query: path and `Prefer: transient`. */
function suiteQlRequest(spec: StreamSpec): StreamRequest {
  return { method: spec.method, path: spec.path, ...(spec.headers ? { headers: spec.headers } : {}) };
}

/** Adds their item lines to a page of order headers: one query over the headers' ids, paged. */
function linesFetcher(request: StreamRequest): NonNullable<StreamHooks['withDetails']> {
  return async (context, headers) => {
    if (headers.length === 0) return [];
    const ids = headers.map((h) => Number(h.id)).filter(Number.isInteger);
    const q = `${LINES} WHERE transaction IN (${ids.join(', ')}) AND mainline = 'F' ORDER BY uniquekey`;
    const lines = new Map<string, SuiteQlRow[]>();
    for (let offset = 0, more = true; more; offset += LINES_PAGE) {
      const page = withParam(withParam(request, 'query', 'limit', LINES_PAGE), 'query', 'offset', offset);
      const answer = ((await context.send({ ...page, body: { q } })) ?? {}) as Json;
      if (!Array.isArray(answer.items))
        throw new SyncError('MALFORMED_RESPONSE', 'NetSuite answered with a body that is not a SuiteQL result');
      for (const line of answer.items as SuiteQlRow[]) {
        const key = String(line.transaction);
        lines.set(key, [...(lines.get(key) ?? []), line]);
      }
      more = answer.hasMore === true;
    }
    return headers.map((h) => ({ ...h, [LINES_KEY]: lines.get(String(h.id)) ?? [] }));
  };
}

const linesOf = (row: Json): SuiteQlRow[] => (Array.isArray(row[LINES_KEY]) ? (row[LINES_KEY] as SuiteQlRow[]) : []);

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
