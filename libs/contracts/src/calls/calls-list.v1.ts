import { z } from 'zod';
import { defineRequest } from '../contract.js';
import { subjects } from '../subjects.js';

/** Who made a provider call: sync-service's pulls (`sync`), an admin, auth-service, or a consumer service's name. */
export const callCaller = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/);

/** Why Shelflink did not send an attempt: the account's breaker was open, or its shared rate budget was too far off. */
export const callRefusal = z.enum(['BREAKER_OPEN', 'RATE_LIMIT_WAIT_TOO_LONG']);
export type CallRefusal = z.infer<typeof callRefusal>;

/** A status filter: one status (`429`), a class (`2xx`…`5xx`), `error` (0, ≥ 400 or refused), `network` (0), `refused`. */
export const callStatusFilter = /^(\d{1,3}|[1-5]xx|error|network|refused)$/;

/** One outbound provider call attempt as the API shows it: never a header value, token, query value or body. */
export const callView = z.object({
  id: z.uuid(),
  at: z.iso.datetime(),
  connectionId: z.string().nullable(),
  provider: z.string(),
  caller: z.string(),
  method: z.string(),
  path: z.string(),
  /** The provider's HTTP status; 0 when no answer came; null when Shelflink refused to send it (see `refusal`). */
  status: z.number().int().nullable(),
  /** Present only on attempts that never left Shelflink. */
  refusal: callRefusal.optional(),
  durationMs: z.number().int(),
  attempt: z.number().int(),
  rateLimitWaitMs: z.number().int(),
  /** The account's breaker when the attempt started (`closed`, `open`, `half-open`; `none` where there is none). */
  breakerState: z.string().optional(),
});
export type CallView = z.infer<typeof callView>;

/** Keyset position: the calls strictly older than this one (newest first, ties by id). */
export const callsCursor = z.object({ at: z.iso.datetime(), id: z.uuid() });
export type CallsCursor = z.infer<typeof callsCursor>;

/**
 * `auth.calls.list.v1` and `sync.calls.list.v1`: one service's call log rows of a tenant, newest first, at most `limit`,
 * older than `before`. The gateway asks both and merges them (each service owns its table).
 */
export const callsListRequest = z.object({
  tenantId: z.string().min(1).max(64),
  connectionId: z.string().min(1).max(64).optional(),
  status: z.string().regex(callStatusFilter).optional(),
  since: z.iso.datetime().optional(),
  limit: z.number().int().min(1).max(500),
  before: callsCursor.optional(),
});
export type CallsListRequest = z.infer<typeof callsListRequest>;
export const callsListResponse = z.object({ calls: z.array(callView) });
export const authCallsListContract = defineRequest(subjects.authCallsList, callsListRequest, callsListResponse);
export const syncCallsListContract = defineRequest(subjects.syncCallsList, callsListRequest, callsListResponse);

/** A page of the merged call log and the cursor of the next one (null on the last page). */
export interface CallsPage {
  calls: CallView[];
  next: string | null;
}

/**
 * Merges the pages both services answered for one request (each newest first by (at, id), at most `limit`): the
 * newest `limit` of the two, and the last one's position as the cursor of the next page, which both services
 * understand. There may be more while either service filled its page.
 */
export function mergeCallPages(pages: readonly (readonly CallView[])[], limit: number): CallsPage {
  const merged = pages.flat().sort(newestFirst);
  const calls = merged.slice(0, limit);
  const more = merged.length > limit || pages.some((page) => page.length === limit);
  const last = calls.at(-1);
  return { calls, next: more && last ? encodeCallsCursor({ at: last.at, id: last.id }) : null };
}

function newestFirst(a: CallView, b: CallView): number {
  if (a.at !== b.at) return a.at < b.at ? 1 : -1;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

export function encodeCallsCursor(cursor: CallsCursor): string {
  return Buffer.from(`${cursor.at}|${cursor.id}`).toString('base64url');
}

/** The position a `next` cursor names; undefined when the text is not one. */
export function decodeCallsCursor(text: string): CallsCursor | undefined {
  const [at, id, ...rest] = Buffer.from(text, 'base64url').toString('utf8').split('|');
  const parsed = callsCursor.safeParse(rest.length === 0 ? { at, id } : undefined);
  return parsed.success ? parsed.data : undefined;
}
