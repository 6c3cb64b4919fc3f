import { z } from 'zod';
import { defineRequest } from '../contract.js';
import { subjects } from '../subjects.js';

/** An authentic app-level delivery no active connection matched: kept with its account key, in no tenant. */
export const unroutableEventSummary = z.object({
  id: z.string(),
  provider: z.string(),
  accountKey: z.string(),
  dedupKey: z.string(),
  eventType: z.string(),
  receivedAt: z.iso.datetime(),
  /** Set once an operator replayed it to a connection: the event it became there. */
  replayedTo: z.object({ tenantId: z.string(), connectionId: z.string(), eventId: z.string() }).nullable(),
});
export type UnroutableEventSummary = z.infer<typeof unroutableEventSummary>;

/** `webhook.operator.unroutable.list.v1`: newest first, keyset-paginated by `before` (operator NATS user only). */
export const unroutableListRequest = z.object({
  provider: z.string().min(1).max(64).optional(),
  before: z.iso.datetime().optional(),
  limit: z.number().int().min(1).max(200).default(50),
});
export const unroutableListContract = defineRequest(
  subjects.webhookOperatorUnroutableList,
  unroutableListRequest,
  z.object({ items: z.array(unroutableEventSummary), nextBefore: z.string().nullable() }),
);

/**
 * `webhook.operator.unroutable.replay.v1`: store an unroutable event as the named connection's (which must be the
 * tenant's and hold the same provider account) and process it. Connecting an account later never does this by itself.
 */
export const unroutableReplayRequest = z.object({
  id: z.uuid(),
  tenantId: z.string().min(1).max(64),
  connectionId: z.string().min(1).max(64),
});
export const unroutableReplayContract = defineRequest(
  subjects.webhookOperatorUnroutableReplay,
  unroutableReplayRequest,
  z.object({ eventId: z.string(), duplicate: z.boolean() }),
);
