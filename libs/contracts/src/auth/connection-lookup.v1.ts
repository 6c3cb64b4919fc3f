import { z } from 'zod';
import { defineRequest } from '../contract.js';
import { subjects } from '../subjects.js';

export const connectionStatuses = ['active', 'needs_reauth', 'revoked', 'error'] as const;

/** What internal services may know about a connection: never a secret. */
export const connectionSummary = z.object({
  id: z.string(),
  tenantId: z.string(),
  provider: z.string(),
  alias: z.string(),
  status: z.enum(connectionStatuses),
  /** Provider-specific identifiers: shop, merchantId, locationIds, accountId, cloudId. */
  metadata: z.record(z.string(), z.unknown()),
  /** How its requests authenticate (`tba` signs each one); optional for older auth-service replicas. */
  authMode: z.string().optional(),
});
export type ConnectionSummary = z.infer<typeof connectionSummary>;

/**
 * `auth.internal.connection.lookup.v1`: one connection by id. `tenantId` is optional only for webhook intake,
 * where the connection id in the URL is all a provider sends; every other caller scopes by tenant.
 */
export const connectionLookupRequest = z.object({
  connectionId: z.string().min(1).max(64),
  tenantId: z.string().min(1).max(64).optional(),
});
export const connectionLookupContract = defineRequest(
  subjects.authConnectionLookup,
  connectionLookupRequest,
  connectionSummary,
);
