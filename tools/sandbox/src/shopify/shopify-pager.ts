import type { FastifyReply, FastifyRequest } from 'fastify';
import { scan, type OrderedView, type TimeKey } from '../dataset/timeline.js';
import { cursorNumber, decodeCursor, encodeCursor } from '../util/cursor.js';

/** A listing built from the original query params (page_info carries them forward). */
export interface ListSpec {
  readonly view: OrderedView;
  readonly timeOf: (index: number) => number;
  readonly descending: boolean;
  readonly min?: number;
  readonly max?: number;
  readonly accept?: (index: number) => boolean;
}

export type SpecResult = { ok: true; spec: ListSpec } | { ok: false; error: Record<string, unknown> };

export interface Page {
  readonly indices: number[];
  readonly link: string | undefined;
}

const PAGING_PARAMS = new Set(['limit', 'page_info', 'fields']);

/**
 * Shopify REST cursor pagination: `limit` (default 50, max 250), `page_info` in `Link` headers with rel="next" and
 * rel="previous"; with page_info only limit and fields may accompany it.
 */
export function shopifyPage(
  request: FastifyRequest,
  reply: FastifyReply,
  build: (params: Record<string, string>) => SpecResult,
): Page | undefined {
  const query = request.query as Record<string, string>;
  const limit = query.limit === undefined ? 50 : Number(query.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 250) {
    void reply.code(400).send({ errors: { limit: ['must be between 1 and 250'] } });
    return undefined;
  }
  let params = Object.fromEntries(Object.entries(query).filter(([k]) => !PAGING_PARAMS.has(k)));
  let after: TimeKey | undefined;
  let direction: 'next' | 'previous' | 'first' = 'first';
  if (query.page_info !== undefined) {
    const extra = Object.keys(params);
    const cursor = decodeCursor(query.page_info);
    const t = cursor && cursorNumber(cursor, 't');
    const i = cursor && cursorNumber(cursor, 'i');
    if (
      extra.length > 0 ||
      !cursor ||
      t === undefined ||
      i === undefined ||
      typeof cursor.q !== 'object' ||
      cursor.q === null
    ) {
      const detail = extra.length > 0 ? `page_info cannot be combined with ${extra.join(', ')}` : 'Invalid value.';
      void reply.code(400).send({ errors: { page_info: [detail] } });
      return undefined;
    }
    params = cursor.q as Record<string, string>;
    after = { t, i };
    direction = cursor.d === 'p' ? 'previous' : 'next';
  }
  const built = build(params);
  if (!built.ok) {
    void reply.code(400).send({ errors: built.error });
    return undefined;
  }
  const { spec } = built;
  const backwards = direction === 'previous';
  const result = scan({ ...spec, descending: backwards ? !spec.descending : spec.descending, after, limit });
  const indices = backwards ? [...result.indices].reverse() : result.indices;
  const keyOf = (index: number | undefined): TimeKey | undefined =>
    index === undefined ? undefined : { t: spec.timeOf(index), i: index };
  const first = keyOf(indices[0]);
  const last = keyOf(indices[indices.length - 1]);
  const hasNext = backwards ? indices.length > 0 : result.hasMore;
  const hasPrevious = backwards ? result.hasMore : direction === 'next' && indices.length > 0;
  const url = `${request.protocol}://${request.headers.host ?? 'localhost'}${request.url.split('?')[0] ?? ''}`;
  const links: string[] = [];
  const linkTo = (key: TimeKey, d: 'n' | 'p', rel: string): string =>
    `<${url}?limit=${limit}&page_info=${encodeCursor({ q: params, ...key, d })}>; rel="${rel}"`;
  if (hasPrevious && first) links.push(linkTo(first, 'p', 'previous'));
  if (hasNext && last) links.push(linkTo(last, 'n', 'next'));
  return { indices, link: links.length > 0 ? links.join(', ') : undefined };
}

/** Parses an ISO 8601 filter param; `null` when present but invalid. */
export function timeParam(params: Record<string, string>, key: string): number | undefined | null {
  const raw = params[key];
  if (raw === undefined || raw === '') return undefined;
  const ms = Date.parse(raw);
  return Number.isNaN(ms) ? null : ms;
}
