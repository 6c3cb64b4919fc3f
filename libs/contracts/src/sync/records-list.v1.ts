import { z } from 'zod';
import { defineRequest } from '../contract.js';
import { subjects } from '../subjects.js';

export const recordEntities = ['locations', 'products', 'inventory', 'orders'] as const;
export type RecordEntity = (typeof recordEntities)[number];

/** One canonical record with its source; `data` is the entity's canonical shape (money in minor units). */
export const canonicalRecordView = z.object({
  id: z.string(),
  connectionId: z.string(),
  provider: z.string(),
  externalId: z.string(),
  sourceVersion: z.string(),
  sourceUpdatedAt: z.iso.datetime().nullable(),
  deletedAt: z.iso.datetime().nullable(),
  syncedAt: z.iso.datetime(),
  data: z.record(z.string(), z.unknown()),
  /** Products only: the product identity (one product across systems) when all its variants share one, else null. */
  identity: z.uuid().nullable().optional(),
  /** Products only: the identity of each variant (`variantExternalId` null for a product without variants). */
  identities: z.array(z.object({ variantExternalId: z.string().nullable(), identity: z.uuid() })).optional(),
});
export type CanonicalRecordView = z.infer<typeof canonicalRecordView>;

/**
 * `sync.records.list.v1`: a tenant's canonical records of one entity, keyset-paginated by `after` (a record id);
 * `id` narrows it to one record, `externalId` (with `connectionId`) to the record of one provider id.
 */
export const recordsListRequest = z
  .object({
    tenantId: z.string().min(1).max(64),
    entity: z.enum(recordEntities),
    connectionId: z.string().min(1).max(64).optional(),
    id: z.uuid().optional(),
    externalId: z.string().min(1).max(255).optional(),
    includeDeleted: z.boolean().default(false),
    limit: z.number().int().min(1).max(500).default(100),
    after: z.string().max(200).optional(),
  })
  .refine((request) => request.externalId === undefined || request.connectionId !== undefined, {
    message: 'externalId needs connectionId',
    path: ['externalId'],
  });
export const recordsListResponse = z.object({
  records: z.array(canonicalRecordView),
  nextAfter: z.string().nullable(),
});
export const recordsListContract = defineRequest(subjects.syncRecordsList, recordsListRequest, recordsListResponse);
