import {
  PageWalkError,
  resumePage,
  type PageRequest,
  type PaginationSpec,
  type StreamSpec,
} from '@shelflink/providers';
import type { ProviderAccount } from '../provider/provider-catalog.service.js';
import { SyncError } from '../provider/provider.errors.js';
import type { ChainStart, StreamRequest } from './puller-plugin.js';

type Json = Record<string, unknown>;
type Place = 'query' | 'body';

/**
 * A chain's first request as the catalog declares it: the body template, the page size (the deployment's, capped by
 * the provider's maximum), the partition and a plain incremental parameter. Each page of the chain is built from it.
 */
export function chainRequest(spec: StreamSpec, start: ChainStart): StreamRequest {
  let request: StreamRequest = {
    method: spec.method,
    path: spec.path,
    ...(spec.body ? { body: spec.body } : {}),
    ...(spec.headers ? { headers: spec.headers } : {}),
  };
  if (spec.pageSize)
    request = withParam(request, spec.pageSize.in, spec.pageSize.param, Math.min(spec.pageSize.max, start.pageSize));
  const by = spec.partitionBy;
  if (by) request = withParam(request, by.in, by.param, by.as === 'list' ? [start.partition] : start.partition);
  const incremental = spec.incremental;
  // `q:lastmodifieddate`: the value belongs inside an expression, which only the stream's hook can write.
  if (incremental && start.watermark !== null && !incremental.requestParam.includes(':'))
    request = withParam(request, spec.method === 'POST' ? 'body' : 'query', incremental.requestParam, start.watermark);
  return request;
}

/** The request a checkpoint's cursor stands for; a cursor that cannot be followed any more restarts the chain. */
export function resumeRequest(
  pagination: PaginationSpec,
  account: ProviderAccount,
  first: StreamRequest,
  cursor: string,
): StreamRequest {
  try {
    return fromPageRequest(account, resumePage(pagination, toPageRequest(account, first), cursor), first.headers);
  } catch (error) {
    if (error instanceof PageWalkError || error instanceof SyncError)
      throw new SyncError('CURSOR_EXPIRED', `${account.provider}: the kept page cursor cannot be followed`);
    throw error;
  }
}

/** The request as the shared pagination rules see it: an absolute URL. */
export function toPageRequest(account: ProviderAccount, request: StreamRequest): PageRequest {
  return {
    method: request.method,
    url: `${account.baseUrl}${request.path}`,
    headers: {},
    ...(request.body ? { body: request.body } : {}),
  };
}

/** Back to a path under the account's API base; a URL outside it is refused (it would carry the credential). */
function fromPageRequest(
  account: ProviderAccount,
  request: PageRequest,
  headers: StreamRequest['headers'],
): StreamRequest {
  const base = new URL(account.baseUrl);
  const url = new URL(request.url);
  const basePath = base.pathname.replace(/\/$/, '');
  if (url.origin !== base.origin || !`${url.pathname}/`.startsWith(`${basePath}/`))
    throw new SyncError('MALFORMED_RESPONSE', `${account.provider} pointed the next page outside its API`);
  return {
    method: request.method,
    path: `${url.pathname.slice(basePath.length)}${url.search}`,
    ...(request.body ? { body: request.body } : {}),
    ...(headers ? { headers } : {}),
  };
}

/** The request with one parameter set: in the query string, or at a dotted path of the JSON body (copied, not changed). */
export function withParam(request: StreamRequest, place: Place, name: string, value: unknown): StreamRequest {
  if (place === 'body') return { ...request, body: setAt(request.body ?? {}, name.split('.'), value) };
  const [path = '', query = ''] = request.path.split('?', 2);
  const params = new URLSearchParams(query);
  params.set(name, String(value));
  return { ...request, path: `${path}?${params.toString()}` };
}

function setAt(target: Json, keys: readonly string[], value: unknown): Json {
  const [key, ...rest] = keys;
  if (key === undefined) return target;
  if (rest.length === 0) return { ...target, [key]: value };
  const inner = target[key];
  const child = typeof inner === 'object' && inner !== null && !Array.isArray(inner) ? (inner as Json) : {};
  return { ...target, [key]: setAt(child, rest, value) };
}
