import { z } from 'zod';
import { envelopeSchema } from '../envelope.js';

/** What a verified webhook meant, independent of the provider's wire format. */
export const canonicalEventKinds = [
  'order.changed',
  'payment.created',
  'payment.updated',
  'refund.created',
  'inventory.changed',
  'product.changed',
  'location.changed',
  'app.uninstalled',
  'other',
] as const;
export type CanonicalEventKind = (typeof canonicalEventKinds)[number];

/**
 * Payload of `events.canonical.v1` (JetStream, at least once; the envelope id is the received event's id).
 * `needsFetch` says the webhook carried no detail (Square order events carry only id, version and state),
 * so sync-service fetches the record through its rate limiter before upserting.
 */
export const canonicalEventPayload = z.object({
  tenantId: z.string(),
  connectionId: z.string(),
  provider: z.string(),
  kind: z.enum(canonicalEventKinds),
  providerEventType: z.string(),
  /** The provider's id of the record the event is about (order id, inventory item id...), when known. */
  externalId: z.string().optional(),
  /** Source version or updated-at, so an older update never overwrites a newer one. */
  sourceVersion: z.string().optional(),
  sourceUpdatedAt: z.iso.datetime().optional(),
  needsFetch: z.boolean(),
  /** The record as the webhook carried it, when it carried one. */
  data: z.unknown().optional(),
});
export type CanonicalEventPayload = z.infer<typeof canonicalEventPayload>;

export const canonicalEventEnvelope = envelopeSchema(canonicalEventPayload);

/** JetStream stream webhook-ingest creates at boot for `events.canonical.v1`; sync-service reads it with durable `sync-service`. */
export const canonicalEventsStream = 'CANONICAL_EVENTS';
