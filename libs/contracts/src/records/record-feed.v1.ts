import { z } from 'zod';
import { envelopeSchema } from '../envelope.js';
import { canonicalRecordView, recordEntities, type RecordEntity } from '../sync/records-list.v1.js';

/**
 * The durable record feed: sync-service writes one envelope per changed canonical record to its outbox in the
 * transaction that changed the record, then publishes it to the tenant's JetStream stream with `Nats-Msg-Id` = the
 * envelope id. Consumers dedupe on that id (redeliveries and republishes carry the same one) and order a record's
 * changes by `sourceVersion`.
 */
export const recordFeedPayload = z.object({
  tenantId: z.string(),
  connectionId: z.string(),
  provider: z.string(),
  entity: z.enum(recordEntities),
  recordId: z.string(),
  externalId: z.string(),
  sourceVersion: z.string(),
  deleted: z.boolean(),
  /** The canonical record as committed by this change. */
  record: canonicalRecordView,
});
export type RecordFeedPayload = z.infer<typeof recordFeedPayload>;
export const recordFeedEnvelope = envelopeSchema(recordFeedPayload);
export type RecordFeedEnvelope = z.infer<typeof recordFeedEnvelope>;

/**
 * Header every feed message carries: its change's connection id (the subjects do not name it), so a connection's
 * messages are found by reading headers only. Messages published before it existed carry it only in the payload.
 */
export const recordFeedConnectionHeader = 'Shelflink-Connection-Id';

/** Subjects of the feed (a consumer service reads them from its own stream, `feedStreamFor(name)`): `records.feed.v1.<tenantId>.<entity>`; tenant ids are `[A-Za-z0-9_-]`, safe as a token. */
export const recordFeedSubjectPrefix = 'records.feed.v1';

export function recordFeedSubject(tenantId: string, entity: RecordEntity | '*'): string {
  return `${recordFeedSubjectPrefix}.${tenantId}.${entity}`;
}

/**
 * One stream per tenant, owned by sync-service. nats-server 2.9 keeps only one source per origin stream (several
 * filtered sources of one stream are silently reduced to the first), so a consumer's stream sources whole tenant
 * streams instead of filtering one global stream.
 */
export function tenantFeedStream(tenantId: string): string {
  return `RECORDS_FEED_${tenantId}`;
}
