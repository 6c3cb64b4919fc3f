import type { RecordEntity } from '@shelflink/contracts';
import { isCursorRefusal, nextCursor, PageWalkError, valueAt, type StreamSpec } from '@shelflink/providers';
import type { ProviderAccount } from '../provider/provider-catalog.service.js';
import type { ProviderHttpClient } from '../provider/provider-http.client.js';
import { SyncError } from '../provider/provider.errors.js';
import type { CanonicalRecord, OpenedPage, PageState, StreamPuller } from './puller.port.js';
import {
  hookContext,
  type ChainStart,
  type HookContext,
  type RecordMapper,
  type StreamHooks,
  type StreamRequest,
} from './puller-plugin.js';
import { slicedPage } from './sliced-chain.js';
import { jsonParser, malformedResponse } from './provider-json.js';
import { detailedPage, streamedPage, type PageShape } from './streamed-page.js';
import { chainRequest, resumeRequest, toPageRequest } from './stream-request.js';

type Json = Record<string, unknown>;
const ALL = 'all';

/** What one catalog-driven stream needs besides its catalog entry. */
export interface StreamParts {
  readonly entity: RecordEntity;
  readonly spec: StreamSpec;
  readonly displayName: string;
  readonly map: RecordMapper;
  readonly hooks: StreamHooks;
  readonly pageSize: number;
  readonly http: ProviderHttpClient;
  /** The provider's other streams, for `partitionBy`. */
  readonly sibling: (entity: RecordEntity) => StreamPuller | undefined;
}

/** One stream pulled as its catalog entry says: request, paging, incremental cursor and partitions. */
export class CatalogStream implements StreamPuller {
  readonly entity: RecordEntity;
  private readonly parse: (text: string) => unknown;
  private readonly newest: (start: ChainStart) => (item: Json) => string | null;

  constructor(private readonly parts: StreamParts) {
    const { spec, hooks } = parts;
    if (spec.itemsPath === '' || spec.itemsPath.includes('.'))
      throw new Error(`${parts.displayName} ${parts.entity}: a pulled stream's items must be under one top-level key`);
    this.entity = parts.entity;
    this.parse = jsonParser(spec);
    const field = fieldReader(spec.incremental?.itemField);
    this.newest = hooks.watermarkOf ?? (() => field);
  }

  async partitions(account: ProviderAccount): Promise<string[]> {
    const { hooks, spec } = this.parts;
    if (hooks.partitions) return hooks.partitions(this.hookContext(account));
    if (!spec.partitionBy) return [ALL];
    const source = this.parts.sibling(spec.partitionBy.stream);
    if (!source)
      throw new SyncError('UNSUPPORTED_STREAM', `${account.provider} has no ${spec.partitionBy.stream} stream`);
    return (await externalIdsOf(source, account)).sort();
  }

  async fetchPage(account: ProviderAccount, partition: string, state: PageState): Promise<OpenedPage> {
    const start = { account, partition, watermark: state.watermark, pageSize: this.parts.pageSize, slice: null };
    const slice = this.parts.hooks.sliceChain;
    if (!slice) return this.openPage(start, state.cursor);
    return slicedPage(slice, this.hookContext(account), start, state.cursor, (at, cursor) => this.openPage(at, cursor));
  }

  private async openPage(start: ChainStart, cursor: string | null): Promise<OpenedPage> {
    const { spec, hooks } = this.parts;
    const { account } = start;
    const built = chainRequest(spec, start);
    const first = hooks.firstRequest ? hooks.firstRequest(built, start) : built;
    const request = cursor === null ? first : resumeRequest(spec.pagination, account, first, cursor);
    const isCursorExpired = (status: number, text: string): boolean =>
      isCursorRefusal(spec.pagination, status, parseOrUndefined(text));
    const shape = this.shape(start, request);
    const details = hooks.withDetails;
    if (details) {
      const response = await this.parts.http.send(account, { ...request, isCursorExpired });
      return detailedPage(response, shape, (items) => details(this.hookContext(account), items));
    }
    return streamedPage(await this.parts.http.open(account, { ...request, isCursorExpired }), shape);
  }

  private shape(start: ChainStart, request: StreamRequest): PageShape {
    const { spec, map } = this.parts;
    const { account } = start;
    return {
      itemsKey: spec.itemsPath,
      parse: this.parse,
      map: (item) => map(item, account),
      updatedAt: this.newest(start),
      nextCursor: (rest, headers, itemCount) => {
        const page = toPageRequest(account, request);
        const response = { status: 200, headers: Object.fromEntries(headers), bodyText: '' };
        try {
          const cursor = nextCursor(spec.pagination, { request: page, response, body: rest, itemCount }) ?? null;
          // A cursor that could not be followed would restart the chain forever: refuse it on the page that gave it.
          if (cursor !== null) resumeRequest(spec.pagination, account, request, cursor);
          return cursor;
        } catch (error) {
          if (error instanceof PageWalkError || error instanceof SyncError) throw this.malformed();
          throw error;
        }
      },
      malformed: () => this.malformed(),
    };
  }

  private malformed(): SyncError {
    return malformedResponse(this.parts.displayName);
  }

  private hookContext(account: ProviderAccount): HookContext {
    return hookContext(this.parts.http, account, this.parse);
  }
}

/** The external ids of every record of a stream, all partitions, all pages (a small stream such as locations). */
async function externalIdsOf(puller: StreamPuller, account: ProviderAccount): Promise<string[]> {
  const ids: string[] = [];
  const collect = async (records: CanonicalRecord[]): Promise<void> => {
    for (const record of records) ids.push(record.externalId);
  };
  for (const partition of await puller.partitions(account)) {
    let cursor: string | null = null;
    do {
      const page = await puller.fetchPage(account, partition, { cursor, watermark: null });
      cursor = (await page.read(collect)).nextCursor;
    } while (cursor !== null);
  }
  return ids;
}

// Read once per item of a thousand-item page: a plain key is one property read.
function fieldReader(field: string | undefined): (item: Json) => string | null {
  if (field === undefined) return () => null;
  const read = field.includes('.') ? (item: Json) => valueAt(item, field) : (item: Json) => item[field];
  return (item) => {
    const value = read(item);
    return typeof value === 'string' ? value : null;
  };
}

function parseOrUndefined(text: string): unknown {
  try {
    return text === '' ? {} : JSON.parse(text);
  } catch {
    return undefined;
  }
}
