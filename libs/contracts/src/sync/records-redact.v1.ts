import { z } from 'zod';
import { defineRequest } from '../contract.js';
import { subjects } from '../subjects.js';

/**
 * `sync.records.redact.v1` (webhook-ingest → sync-service): a provider asked for a connection's data to be erased
 * (Shopify `shop/redact`): every canonical record of that connection is deleted, with its changes not yet published to
 * the record feed, and its messages are erased from the feed's streams (the tenant's and every consumer service's that
 * sources it). Idempotent; answers once done: `deleted` records, `feedMessages` erased.
 */
export const recordsRedactRequest = z.object({
  tenantId: z.string().min(1).max(64),
  connectionId: z.string().min(1).max(64),
});
export const recordsRedactContract = defineRequest(
  subjects.syncRecordsRedact,
  recordsRedactRequest,
  z.object({ deleted: z.number().int(), feedMessages: z.number().int() }),
);
