import { z } from 'zod';
import { envelopeSchema } from '../envelope.js';
import { subjects } from '../subjects.js';
import type { RecordEntity } from '../sync/records-list.v1.js';

/**
 * Payload of `records.<entity>.changed.v1`: a canonical record was inserted, updated or soft-deleted. Published on
 * core NATS after the page's transaction commits (at most once); consumers re-read through the records API when
 * they need the full record, and dedupe on the envelope id (`<record id>:<source version>`).
 */
export const recordChangedPayload = z.object({
  tenantId: z.string(),
  connectionId: z.string(),
  provider: z.string(),
  entity: z.enum(['locations', 'products', 'inventory', 'orders']),
  recordId: z.string(),
  externalId: z.string(),
  sourceVersion: z.string(),
  deleted: z.boolean(),
});
export type RecordChangedPayload = z.infer<typeof recordChangedPayload>;
export const recordChangedEnvelope = envelopeSchema(recordChangedPayload);

/** The subject each entity's change events go to. */
export const recordChangedSubjects: Readonly<Record<RecordEntity, string>> = {
  locations: subjects.recordsLocationChanged,
  products: subjects.recordsProductChanged,
  inventory: subjects.recordsInventoryChanged,
  orders: subjects.recordsOrderChanged,
};
