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
  switch (spec.style) {
    case 'none':
      return undefined;
    case 'body-cursor': {
      const cursor = nonEmptyString(valueAt(page.body, spec.responseField));
      if (cursor === undefined) return undefined;
      const { request } = page;
      if (spec.requestIn === 'query') return { request: withQueryParam(request, spec.requestField, cursor), cursor };
      return { request: { ...request, body: { ...request.body, [spec.requestField]: cursor } }, cursor };
    }
    case 'link-header':
      return linkNext(spec, page);
    case 'offset-hasmore': {
      if (valueAt(page.body, spec.hasMoreField) !== true || page.itemCount === 0) return undefined;
      const offset = Number(new URL(page.request.url).searchParams.get(spec.offsetParam) ?? '0') + page.itemCount;
      const sized = withQueryParam(page.request, spec.limitParam, String(spec.pageSize));
      return { request: withQueryParam(sized, spec.offsetParam, String(offset)), cursor: String(offset) };
    }
    case 'next-page-token': {
      const token = nonEmptyString(valueAt(page.body, spec.responseField));
      if (token === undefined || valueAt(page.body, spec.lastField) === true) return undefined;
      return { request: withQueryParam(page.request, spec.requestParam, token), cursor: token };
    }
    case 'next-page-url': {
      const next = nonEmptyString(valueAt(page.body, spec.responseField));
      return next === undefined ? undefined : followUrl(page.request, next);
    }
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

function linkNext(spec: Extract<PaginationSpec, { style: 'link-header' }>, page: FetchedPage): NextPage | undefined {
  const header = readHeader(page.response.headers, 'link');
  if (header.state === 'duplicate') throw new PageWalkError('MALFORMED_PAGE', 'Link header sent more than once');
  const target = header.state === 'value' ? linkTarget(header.value, spec.rel) : undefined;
  if (target === undefined) return undefined;
  const next = followUrl(page.request, target);
  // Shopify refuses page_info alongside filters, so only the listed parameters travel on.
  const keep = spec.keepOnlyParams;
  if (keep === undefined) return next;
  const url = new URL(next.request.url);
  for (const name of [...url.searchParams.keys()]) if (!keep.includes(name)) url.searchParams.delete(name);
  return { request: { ...next.request, url: url.href }, cursor: next.cursor };
}

function followUrl(current: PageRequest, target: string): NextPage {
  const base = new URL(current.url);
  const url = new URL(target, base);
  if (url.origin !== base.origin) throw new PageWalkError('UNSAFE_NEXT_URL', 'next page URL is on another origin');
  return { request: { ...current, url: url.href }, cursor: url.href };
}

function nonEmptyString(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
