import { parseRetryAfter } from '../http/retry-after.js';
import { parseJsonPreservingBigInts } from '../mapping/big-int-json.js';
import type { PaginationSpec, StreamSpec } from '../provider-definition.js';
import { readHeader } from '../webhooks/webhook-headers.js';
import { firstPage, nextPage, type FetchedPage } from './next-page.js';
import { PageWalkError } from './page-walk.errors.js';
import { valueAt, type PageRequest, type PageResponse, type SendPage } from './page-request.js';

/** Options of {@link walkPages}. */
export interface WalkOptions {
  /** Clock for HTTP-date `Retry-After` values (default: system time). */
  readonly now?: () => Date;
  /** Safety cap on pages per walk (default 100 000). */
  readonly maxPages?: number;
}

const DEFAULT_MAX_PAGES = 100_000;

/**
 * Walks every page of a stream from `firstRequest`, following the stream's pagination spec, and yields each page's
 * items (JSON parsed with 64-bit integers kept as strings). Throws {@link PageWalkError}: `RATE_LIMITED` or
 * `HTTP_STATUS` with the status and parsed `Retry-After`, `CURSOR_INVALID` when a continuation cursor is refused.
 */
export async function* walkPages(
  stream: Pick<StreamSpec, 'itemsPath' | 'pagination'>,
  firstRequest: PageRequest,
  send: SendPage,
  options: WalkOptions = {},
): AsyncGenerator<readonly unknown[], void, undefined> {
  const seen = new Set<string>();
  let request: PageRequest | undefined = firstPage(stream.pagination, firstRequest);
  for (let pages = 0; request !== undefined; pages += 1) {
    if (pages >= (options.maxPages ?? DEFAULT_MAX_PAGES))
      throw new PageWalkError('PAGINATION_LOOP', 'page cap reached');
    const response = await send(request);
    const page = readPage(stream, request, response, pages > 0, options);
    yield items(stream, page.body);
    const next = nextPage(stream.pagination, page);
    if (next && seen.has(next.cursor)) throw new PageWalkError('PAGINATION_LOOP', 'provider repeated a cursor');
    if (next) seen.add(next.cursor);
    request = next?.request;
  }
}

function readPage(
  stream: Pick<StreamSpec, 'itemsPath' | 'pagination'>,
  request: PageRequest,
  response: PageResponse,
  continuation: boolean,
  options: WalkOptions,
): FetchedPage {
  // 204 No Content is an empty page (Celigo answers an empty list so).
  const body = response.status === 204 && response.bodyText === '' ? [] : parseBody(response.bodyText);
  if (response.status < 200 || response.status > 299)
    throw statusError(stream.pagination, request, response, body, continuation, options);
  if (body === undefined)
    throw new PageWalkError('MALFORMED_PAGE', 'page body is not JSON', { status: response.status, request });
  return { request, response, body, itemCount: items(stream, body).length };
}

function items(stream: Pick<StreamSpec, 'itemsPath'>, body: unknown): readonly unknown[] {
  const list = valueAt(body, stream.itemsPath);
  // Square omits empty lists (`{}` when nothing matched).
  if (list === undefined) return [];
  if (!Array.isArray(list)) throw new PageWalkError('MALFORMED_PAGE', `${stream.itemsPath} is not an array`);
  return list as readonly unknown[];
}

function statusError(
  spec: PaginationSpec,
  request: PageRequest,
  response: PageResponse,
  body: unknown,
  continuation: boolean,
  options: WalkOptions,
): PageWalkError {
  const { status } = response;
  const header = readHeader(response.headers, 'retry-after');
  const value = header.state === 'value' ? header.value : undefined;
  const retryAfterMs = parseRetryAfter(value, options.now?.() ?? new Date());
  const details = { status, request, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) };
  if (status === 429) return new PageWalkError('RATE_LIMITED', 'provider rate limited the request', details);
  if (continuation && isCursorRefusal(spec, status, body))
    return new PageWalkError('CURSOR_INVALID', 'provider refused the page cursor', details);
  return new PageWalkError('HTTP_STATUS', `provider answered ${status}`, details);
}

/** Square: `errors[].code = INVALID_CURSOR`; Shopify: `errors.page_info`; others: an error naming the cursor field. */
export function isCursorRefusal(spec: PaginationSpec, status: number, body: unknown): boolean {
  if (status !== 400 && status !== 410 && status !== 422) return false;
  const errors = valueAt(body, 'errors');
  if (Array.isArray(errors))
    return errors.some((e) => valueAt(e, 'code') === 'INVALID_CURSOR' || valueAt(e, 'field') === cursorField(spec));
  const field = cursorField(spec);
  return field !== undefined && valueAt(errors, field) !== undefined;
}

function cursorField(spec: PaginationSpec): string | undefined {
  switch (spec.style) {
    case 'body-cursor':
      return spec.requestField;
    case 'link-header':
      // The spec does not name the cursor parameter; page_info is Shopify's, the only link-header provider.
      return 'page_info';
    case 'next-page-token':
      return spec.requestParam;
    case 'offset-hasmore':
      return spec.offsetParam;
    case 'none':
    case 'next-page-url':
      return undefined;
  }
}

function parseBody(text: string): unknown {
  try {
    return text === '' ? {} : parseJsonPreservingBigInts(text);
  } catch {
    return undefined;
  }
}

export { PageWalkError } from './page-walk.errors.js';
export type { PageWalkErrorCode, PageWalkErrorDetails } from './page-walk.errors.js';
export type { PageRequest, PageResponse, SendPage } from './page-request.js';
