import type { WebhookHeaders } from '../webhooks/webhook.types.js';

/** One HTTP request of a page walk. `url` is absolute; `body` is sent as JSON. */
export interface PageRequest {
  readonly method: 'GET' | 'POST';
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: Readonly<Record<string, unknown>>;
}

/** What the caller's transport returns: status, headers (any case) and the body as text. */
export interface PageResponse {
  readonly status: number;
  readonly headers: WebhookHeaders;
  readonly bodyText: string;
}

/** The transport a walk uses; retries, throttling and auth refresh stay with the caller. */
export type SendPage = (request: PageRequest) => Promise<PageResponse>;

/** Value at a dotted path of a parsed JSON body. */
export function valueAt(body: unknown, path: string): unknown {
  // An empty path is the body itself (Celigo lists are top-level arrays).
  if (path === '') return body;
  let current: unknown = body;
  for (const key of path.split('.')) {
    if (typeof current !== 'object' || current === null || !Object.hasOwn(current, key)) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

/** The same request with one query parameter set. */
export function withQueryParam(request: PageRequest, name: string, value: string): PageRequest {
  const url = new URL(request.url);
  url.searchParams.set(name, value);
  return { ...request, url: url.href };
}
