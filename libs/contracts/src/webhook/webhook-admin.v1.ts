import { z } from 'zod';
import { defineRequest } from '../contract.js';
import { subjects } from '../subjects.js';

export const receivedEventStatuses = ['received', 'published', 'processed', 'dead'] as const;
export type ReceivedEventStatus = (typeof receivedEventStatuses)[number];

const tenantId = z.string().min(1).max(64);
const eventId = z.uuid();

/** One received event as admins see it (raw body only in the single-event view). */
export const receivedEventSummary = z.object({
  id: z.string(),
  tenantId: z.string(),
  provider: z.string(),
  connectionId: z.string(),
  dedupKey: z.string(),
  providerEventId: z.string().nullable(),
  eventType: z.string(),
  status: z.enum(receivedEventStatuses),
  attempts: z.number().int(),
  generation: z.number().int(),
  lastError: z.string().nullable(),
  receivedAt: z.iso.datetime(),
  publishedAt: z.iso.datetime().nullable(),
  processedAt: z.iso.datetime().nullable(),
});
export type ReceivedEventSummary = z.infer<typeof receivedEventSummary>;

export const receivedEventDetail = receivedEventSummary.extend({
  headers: z.record(z.string(), z.union([z.string(), z.array(z.string())])),
  /** Raw body, base64. */
  rawBody: z.string(),
});
export type ReceivedEventDetail = z.infer<typeof receivedEventDetail>;

/** `webhook.admin.events.list.v1`: newest first, keyset-paginated by `before` (an ISO time). */
export const webhookEventsListRequest = z.object({
  tenantId,
  connectionId: z.string().min(1).max(64).optional(),
  status: z.enum(receivedEventStatuses).optional(),
  before: z.iso.datetime().optional(),
  limit: z.number().int().min(1).max(200).default(50),
});
export const webhookEventsListResponse = z.object({
  items: z.array(receivedEventSummary),
  nextBefore: z.string().nullable(),
});
export const webhookEventsListContract = defineRequest(
  subjects.webhookAdminEventsList,
  webhookEventsListRequest,
  webhookEventsListResponse,
);

/** `webhook.admin.events.get.v1`: one event of the tenant; another tenant's id is NOT_FOUND. */
export const webhookEventGetRequest = z.object({ tenantId, eventId });
export const webhookEventGetContract = defineRequest(
  subjects.webhookAdminEventGet,
  webhookEventGetRequest,
  receivedEventDetail,
);

/** `webhook.admin.events.replay.v1`: process one stored event again (a new generation; downstream sees a new envelope id). */
export const webhookEventReplayRequest = z.object({ tenantId, eventId });
export const webhookReplayResponse = z.object({ replayed: z.number().int() });
export const webhookEventReplayContract = defineRequest(
  subjects.webhookAdminEventReplay,
  webhookEventReplayRequest,
  webhookReplayResponse,
);

/** `webhook.admin.events.replay-range.v1`: replay a connection's events received in [from, to). */
export const webhookEventsReplayRangeRequest = z.object({
  tenantId,
  connectionId: z.string().min(1).max(64),
  from: z.iso.datetime(),
  to: z.iso.datetime(),
});
export const webhookEventsReplayRangeContract = defineRequest(
  subjects.webhookAdminEventsReplayRange,
  webhookEventsReplayRangeRequest,
  webhookReplayResponse,
);

export const deadLetterSummary = z.object({
  eventId: z.string(),
  tenantId: z.string(),
  provider: z.string(),
  connectionId: z.string(),
  eventType: z.string(),
  attempts: z.number().int(),
  lastError: z.string(),
  deadAt: z.iso.datetime(),
});
export type DeadLetterSummary = z.infer<typeof deadLetterSummary>;

/** `webhook.admin.dead-letters.list.v1` */
export const deadLettersListRequest = z.object({ tenantId, limit: z.number().int().min(1).max(500).default(100) });
export const deadLettersListResponse = z.object({ items: z.array(deadLetterSummary) });
export const deadLettersListContract = defineRequest(
  subjects.webhookAdminDeadLettersList,
  deadLettersListRequest,
  deadLettersListResponse,
);

/** `webhook.admin.dead-letters.requeue.v1`: the given dead letters (or all of the tenant's) go back to processing. */
export const deadLettersRequeueRequest = z.object({ tenantId, eventIds: z.array(eventId).max(500).optional() });
export const deadLettersRequeueContract = defineRequest(
  subjects.webhookAdminDeadLettersRequeue,
  deadLettersRequeueRequest,
  webhookReplayResponse,
);
