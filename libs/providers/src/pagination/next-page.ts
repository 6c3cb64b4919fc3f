import { readHeader } from '../webhooks/webhook-headers.js';
import type { PaginationSpec } from '../provider-definition.js';
import { PageWalkError } from './page-walk.errors.js';
import { valueAt, withQueryParam, type PageRequest, type PageResponse } from './page-request.js';

/** A parsed 2xx page: its body and the request that fetched it. */
export interface FetchedPage {
  readonly request: PageRequest;
  readonly response: PageResponse;
  readonly body: unknown;
  readonly itemCount: number;
}

/** The next request, with the cursor it carries (for loop detection), or undefined on the last page. */
export interface NextPage {
  readonly request: PageRequest;
  readonly cursor: string;
}

/** The first request as the spec wants it: offset paging states its page size from the start. */
export function firstPage(spec: PaginationSpec, request: PageRequest): PageRequest {
  if (spec.style !== 'offset-hasmore' || new URL(request.url).searchParams.has(spec.limitParam)) return request;
  return withQueryParam(request, spec.limitParam, String(spec.pageSize));
}

/** The request for the page after `page`, as the stream's pagination spec says. */
export function nextPage(spec: PaginationSpec, page: FetchedPage): NextPage | undefined {
  const cursor = nextCursor(spec, page);
  return cursor === undefined ? undefined : { request: resumePage(spec, page.request, cursor), cursor };
}

/**
 * What continues the walk after `page`, as one string a checkpoint can keep: the cursor or token, the next offset, or
 * the next page's absolute URL (link-header and next-page-url); undefined on the last page.
 */
export function nextCursor(spec: PaginationSpec, page: FetchedPage): string | undefined {
  switch (spec.style) {
    case 'none':
      return undefined;
    case 'body-cursor':
      return nonEmptyString(valueAt(page.body, spec.responseField));
    case 'link-header':
      return linkNext(spec, page);
    case 'offset-hasmore': {
      if (valueAt(page.body, spec.hasMoreField) !== true || page.itemCount === 0) return undefined;
      return String(Number(new URL(page.request.url).searchParams.get(spec.offsetParam) ?? '0') + page.itemCount);
    }
    case 'next-page-token': {
      const token = nonEmptyString(valueAt(page.body, spec.responseField));
      return token === undefined || valueAt(page.body, spec.lastField) === true ? undefined : token;
    }
    case 'next-page-url': {
      const next = nonEmptyString(valueAt(page.body, spec.responseField));
      return next === undefined ? undefined : followUrl(page.request, next).url;
    }
  }
}

/** The request a cursor of {@link nextCursor} stands for, built on the chain's first request (or the page before). */
export function resumePage(spec: PaginationSpec, first: PageRequest, cursor: string): PageRequest {
  switch (spec.style) {
    case 'none':
      return first;
    case 'body-cursor':
      if (spec.requestIn === 'query') return withQueryParam(first, spec.requestField, cursor);
      return { ...first, body: { ...first.body, [spec.requestField]: cursor } };
    case 'offset-hasmore': {
      // The page size of the first request holds for the whole walk; the spec's applies when it named none.
      const sized = new URL(first.url).searchParams.has(spec.limitParam)
        ? first
        : withQueryParam(first, spec.limitParam, String(spec.pageSize));
      return withQueryParam(sized, spec.offsetParam, cursor);
    }
    case 'next-page-token':
      return withQueryParam(first, spec.requestParam, cursor);
    case 'link-header':
    case 'next-page-url':
      // A kept URL must be absolute: anything else is a cursor of another shape, so the chain starts again.
      if (!URL.canParse(cursor)) throw new PageWalkError('CURSOR_INVALID', 'the kept next-page URL is not a URL');
      return followUrl(first, cursor);
  }
}

/** The URL of `rel="next"` in an RFC 8288 `Link` header, if any. */
export function linkTarget(header: string, rel: string): string | undefined {
  for (const link of header.split(/,(?=\s*<)/)) {
    const match = /^\s*<([^>]*)>(.*)$/.exec(link);
    const rels = /;\s*rel="?([^";]+)"?/i.exec(match?.[2] ?? '')?.[1]?.split(/\s+/) ?? [];
    if (match && rels.includes(rel)) return match[1];
  }
  return undefined;
}

function linkNext(spec: Extract<PaginationSpec, { style: 'link-header' }>, page: FetchedPage): string | undefined {
  const header = readHeader(page.response.headers, 'link');
  if (header.state === 'duplicate') throw new PageWalkError('MALFORMED_PAGE', 'Link header sent more than once');
  const target = header.state === 'value' ? linkTarget(header.value, spec.rel) : undefined;
  if (target === undefined) return undefined;
  const url = new URL(followUrl(page.request, target).url);
  // Shopify refuses page_info alongside filters, so only the listed parameters travel on.
  const keep = spec.keepOnlyParams;
  if (keep !== undefined)
    for (const name of [...url.searchParams.keys()]) if (!keep.includes(name)) url.searchParams.delete(name);
  return url.href;
}

function followUrl(current: PageRequest, target: string): PageRequest {
  const base = new URL(current.url);
  const url = new URL(target, base);
  if (url.origin !== base.origin) throw new PageWalkError('UNSAFE_NEXT_URL', 'next page URL is on another origin');
  return { ...current, url: url.href };
}

function nonEmptyString(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
