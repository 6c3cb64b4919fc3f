import { HttpApiError } from '@shelflink/observability';
import type { FastifyRequest } from 'fastify';

/** The query string exactly as received: Shopify signs it, so it is never re-encoded. */
export function rawQueryOf(request: FastifyRequest): string {
  const at = request.url.indexOf('?');
  const rawQuery = at === -1 ? '' : request.url.slice(at + 1);
  if (rawQuery.length > 8192) throw new HttpApiError(414, 'URI_TOO_LONG', 'Query too long');
  return rawQuery;
}
