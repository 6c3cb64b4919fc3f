import type { ProviderResponse, ProviderStream } from '../provider/provider-http.client.js';
import { JsonArraySplitter } from './json-array.splitter.js';
import type { SyncError } from '../provider/provider.errors.js';
import { NewestTimestamp, wholePage, type CanonicalRecord, type OpenedPage, type PageEnd } from './puller.port.js';

type Json = Record<string, unknown>;

/** Records per batch handed to the committer: one upsert statement each, parsed while the previous one runs. */
export const RECORDS_PER_BATCH = 250;

/** How a provider's JSON page is laid out and turned into canonical records. */
export interface PageShape {
  /** The top-level key of the records array. */
  itemsKey: string;
  /** JSON.parse, or a provider's variant (Shopify keeps 64-bit ids as strings). */
  parse(text: string): unknown;
  map(item: Json): CanonicalRecord;
  updatedAt(item: Json): string | null | undefined;
  /** The next page's cursor, from the rest of the body or from the headers, and how many items this page had. */
  nextCursor(rest: Json, headers: Headers, itemCount: number): string | null;
  malformed(): SyncError;
}

/** A page read as it streams: each record parsed and mapped on arrival, never the whole body in one string. */
export function streamedPage(stream: ProviderStream, shape: PageShape): OpenedPage {
  return {
    read: (onBatch) => readPage(stream, shape, onBatch),
    cancel: () => stream.cancel(),
  };
}

async function readPage(
  stream: ProviderStream,
  shape: PageShape,
  onBatch: (records: CanonicalRecord[]) => Promise<void>,
): Promise<PageEnd> {
  const splitter = new JsonArraySplitter(shape.itemsKey);
  let batch: CanonicalRecord[] = [];
  let itemCount = 0;
  const newestSeen = new NewestTimestamp();
  try {
    for await (const chunk of stream.body) {
      for (const text of splitter.push(chunk)) {
        const item = parseObject(text, shape);
        itemCount++;
        batch.push(shape.map(item));
        newestSeen.add(shape.updatedAt(item));
        if (batch.length < RECORDS_PER_BATCH) continue;
        await onBatch(batch);
        batch = [];
      }
    }
  } catch (error) {
    stream.cancel();
    throw error;
  }
  const rest = parseObject(splitter.rest() || '{}', shape);
  // The array is taken out of the rest as it streams; one still there was not an array.
  if (rest[shape.itemsKey] !== undefined && !Array.isArray(rest[shape.itemsKey])) throw shape.malformed();
  if (batch.length > 0) await onBatch(batch);
  return { nextCursor: shape.nextCursor(rest, stream.headers, itemCount), newestSeen: newestSeen.value };
}

/**
 * A page read whole, its items completed by one follow-up (NetSuite order lines for the page's headers) before they
 * are mapped: the follow-up is one request per page, not one per batch.
 */
export async function detailedPage(
  response: ProviderResponse,
  shape: PageShape,
  complete: (items: Json[]) => Promise<Json[]>,
): Promise<OpenedPage> {
  const { [shape.itemsKey]: items = [], ...rest } = parseObject(response.text || '{}', shape);
  if (!Array.isArray(items)) throw shape.malformed();
  const objects = items.map((item: unknown) => {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) throw shape.malformed();
    return item as Json;
  });
  const newestSeen = new NewestTimestamp();
  for (const item of objects) newestSeen.add(shape.updatedAt(item));
  const records = (await complete(objects)).map((item) => shape.map(item));
  const end = { nextCursor: shape.nextCursor(rest, response.headers, objects.length), newestSeen: newestSeen.value };
  return wholePage(records, end);
}

function parseObject(text: string, shape: PageShape): Json {
  let value: unknown;
  try {
    value = shape.parse(text);
  } catch {
    throw shape.malformed();
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw shape.malformed();
  return value as Json;
}
