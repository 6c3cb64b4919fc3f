import { z } from 'zod';
import { defineRequest } from '../contract.js';
import { subjects } from '../subjects.js';

/**
 * `auth.internal.connection.revoked-at-provider.v1`: webhook-ingest → auth-service, from a verified webhook saying the
 * merchant removed the app or its authorization (Shopify `app/uninstalled`, Square `oauth.authorization.revoked`). An
 * active connection becomes `needs_reauth`. An event received before the connection's current credentials were stored
 * (reconnected since, or replayed later) changes nothing. Idempotent.
 */
export const connectionRevokedAtProviderRequest = z.object({
  tenantId: z.string().min(1).max(64),
  connectionId: z.string().min(1).max(64),
  provider: z.string().min(1).max(64),
  /** The received event's id, for the audit trail. */
  eventId: z.string().min(1).max(128),
  receivedAt: z.iso.datetime(),
});
export const connectionRevokedAtProviderResponse = z.object({
  /** `unchanged`: not active, already marked, or reconnected since the event. */
  status: z.enum(['needs_reauth', 'unchanged']),
});
export type ConnectionRevokedAtProviderRequest = z.infer<typeof connectionRevokedAtProviderRequest>;
export const connectionRevokedAtProviderContract = defineRequest(
  subjects.authConnectionRevokedAtProvider,
  connectionRevokedAtProviderRequest,
  connectionRevokedAtProviderResponse,
);
