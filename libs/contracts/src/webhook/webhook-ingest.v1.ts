import { z } from 'zod';
import { defineRequest } from '../contract.js';
import { busErrorSchema, webhookRefusalReasons } from '../errors.js';
import { subjects } from '../subjects.js';

// Node's whole header section is at most 16 KiB (--max-http-header-size), so no value the gateway forwards is longer:
// a shorter cap turned a hostile 12,000-character signature into a 503 ("retry later") instead of a 401.
const maxHeaderValueChars = 16 * 1024;

/**
 * `webhook.ingest.v1`: the gateway forwards one delivery; webhook-ingest verifies, dedupes and stores it before replying.
 * `headers` are the selected, lower-cased request headers (repeated headers as arrays, so duplicates stay visible).
 */
export const webhookIngestRequest = z.object({
  provider: z.string().min(1).max(64),
  /** Absent for the app-level route (`POST /webhooks/{provider}`): routed by the provider's account key. */
  connectionId: z.string().min(1).max(64).optional(),
  headers: z.record(
    z.string(),
    z.union([z.string().max(maxHeaderValueChars), z.array(z.string().max(maxHeaderValueChars)).max(8)]),
  ),
  /** The body exactly as received, base64. */
  rawBody: z.string().max(8 * 1024 * 1024),
  /** The URL the request reached the gateway at, for diagnostics; Square is verified against the configured URL. */
  publicUrl: z.string().max(2048),
});
export type WebhookIngestRequest = z.infer<typeof webhookIngestRequest>;

/**
 * `stored`: durably committed (or a known duplicate) → 2xx. `rejected`: refused with a stable code, which the gateway
 * maps to its HTTP status; `status` is still sent for gateways that read it instead.
 */
export const webhookIngestResponse = z.discriminatedUnion('result', [
  z.object({
    result: z.literal('stored'),
    eventId: z.string(),
    duplicate: z.boolean(),
    /** App-level route: one stored event per matching connection (`eventId` is the first). */
    eventIds: z.array(z.string()).optional(),
    /** App-level route: authentic, but no active connection has its account; kept for operators. */
    unroutable: z.boolean().optional(),
  }),
  z.object({
    result: z.literal('rejected'),
    status: z.union([z.literal(400), z.literal(401), z.literal(403), z.literal(404)]),
    code: z.enum(webhookRefusalReasons),
    message: z.string(),
  }),
]);
export type WebhookIngestResponse = z.infer<typeof webhookIngestResponse>;

export const webhookIngestContract = defineRequest(subjects.webhookIngest, webhookIngestRequest, webhookIngestResponse);

/** JetStream stream webhook-ingest owns for stored events awaiting processing (message: {eventId}, Nats-Msg-Id = row id). */
export const webhookReceivedStream = 'WEBHOOK_RECEIVED';
export const webhookReceivedMessage = z.object({ eventId: z.uuid(), generation: z.number().int().min(0) });
export type WebhookReceivedMessage = z.infer<typeof webhookReceivedMessage>;

/** Most deliveries in one `webhook.ingest.batch.v1` request. */
export const maxDeliveriesPerBatch = 64;

/**
 * `webhook.ingest.batch.v1`: the deliveries one gateway event-loop turn received, in one request: a message (and its
 * routing, parsing and reply) per turn instead of per webhook. Each delivery is judged alone (a malformed one is an
 * `INVALID_REQUEST` result, never the batch's), and `results` answer them in order.
 */
export const webhookIngestBatchRequest = z.object({
  deliveries: z.array(z.unknown()).min(1).max(maxDeliveriesPerBatch),
});
export const webhookIngestBatchDelivery = webhookIngestRequest.extend({
  /** The gateway's request id, so webhook-ingest's logs name the HTTP request. */
  correlationId: z.string().max(128).optional(),
});
export type WebhookIngestBatchDelivery = z.infer<typeof webhookIngestBatchDelivery>;
export const webhookIngestBatchResponse = z.object({
  results: z.array(z.union([webhookIngestResponse, busErrorSchema])).max(maxDeliveriesPerBatch),
});
export type WebhookIngestBatchResponse = z.infer<typeof webhookIngestBatchResponse>;

export const webhookIngestBatchContract = defineRequest(
  subjects.webhookIngestBatch,
  webhookIngestBatchRequest,
  webhookIngestBatchResponse,
);
