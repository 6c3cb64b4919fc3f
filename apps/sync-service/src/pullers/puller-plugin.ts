import type { RecordEntity } from '@shelflink/contracts';
import type { ProviderAccount } from '../provider/provider-catalog.service.js';
import type { ProviderHttpClient } from '../provider/provider-http.client.js';
import type { CanonicalRecord } from './puller.port.js';

type Json = Record<string, unknown>;

/** One provider request of a stream: path (and query) after the account's API base, and the JSON body of a POST. */
export interface StreamRequest {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly body?: Json;
  readonly headers?: Readonly<Record<string, string>>;
}

/** What a hook may do beyond shaping requests: read a small answer from the provider (a list of locations). */
export interface HookContext {
  readonly account: ProviderAccount;
  /** One request through the account's rate budget and retries; the body parsed as JSON. */
  send(request: StreamRequest): Promise<unknown>;
}

/** Where a chain starts: its partition, the committed incremental watermark and the page size in force. */
export interface ChainStart {
  readonly account: ProviderAccount;
  readonly partition: string;
  /** The newest incremental value committed (as the provider wrote it), null on a first or full pull. */
  readonly watermark: string | null;
  readonly pageSize: number;
  /** The slice being read when the stream's `sliceChain` hook cuts chains (a date window), else null. */
  readonly slice: string | null;
}

/** Turns one provider item into a canonical record. */
export type RecordMapper = (item: Json, account: ProviderAccount) => CanonicalRecord;

/**
 * What a stream's catalog entry cannot say (NetSuite's SuiteQL date filter, date windows). Every hook is optional:
 * without one the catalog's request, paging, incremental cursor and partitioning apply as declared.
 */
export interface StreamHooks {
  /** The stream's independent chains; default: the catalog's `partitionBy`, else one chain. */
  partitions?(context: HookContext): Promise<string[]>;
  /**
   * The chain's first request, given the one the catalog built (body template, page size, partition and a plain
   * incremental parameter applied). Called again for every page of the chain, so it must be deterministic.
   */
  firstRequest?(request: StreamRequest, start: ChainStart): StreamRequest;
  /**
   * Cuts a chain into slices the provider serves whole (NetSuite: date windows under SuiteQL's 100,000-row cap).
   * `after` null: the chain's first slice; else the slice after `after`, once its pages are read. Null: no more.
   * The slice reaches `firstRequest` as `start.slice` and is kept in the checkpoint beside the paging cursor.
   */
  readonly sliceChain?: (context: HookContext, start: ChainStart, after: string | null) => Promise<string | null>;
  /**
   * Reads an item's incremental value in this chain position, when the catalog's `itemField` is not enough (a value to
   * cap at the newest one the chain's slice saw). Called once per page.
   */
  readonly watermarkOf?: (start: ChainStart) => (item: Json) => string | null;
  /**
   * Items that need a follow-up request before they can be mapped (NetSuite order headers and their lines): the page
   * is read whole and its items handed over at once, and an order's lookup goes through it too.
   */
  readonly withDetails?: (context: HookContext, items: Json[]) => Promise<Json[]>;
}

/** A provider's part of pulling: a mapper per canonical stream, and hooks only where the data cannot say. */
export interface PullerPlugin {
  readonly provider: string;
  readonly mappers: Readonly<Partial<Record<RecordEntity, RecordMapper>>>;
  readonly hooks?: Readonly<Partial<Record<RecordEntity, StreamHooks>>>;
}

/** The context a stream's hooks get: the account, and single requests through its budget, parsed as the stream does. */
export function hookContext(
  http: ProviderHttpClient,
  account: ProviderAccount,
  parse: (text: string) => unknown,
): HookContext {
  return { account, send: async (request) => parse((await http.send(account, request)).text || '{}') };
}
