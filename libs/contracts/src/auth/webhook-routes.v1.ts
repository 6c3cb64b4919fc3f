import { z } from 'zod';
import { defineRequest } from '../contract.js';
import { subjects } from '../subjects.js';

const accountKey = z.string().min(1).max(255);

/**
 * `auth.internal.webhook-routes.get.v1`: the connections, in every tenant and with their status, whose provider account
 * is `accountKey` (Square merchant id, Shopify shop domain). Events go to the active ones; compliance requests (Shopify
 * `shop/redact`) to all of them. webhook-ingest caches the answer per account and drops it on
 * `auth.event.connection.changed.v1`. Only webhook-ingest may send it (NATS permissions).
 */
export const webhookRoutesGetRequest = z.object({ provider: z.string().min(1).max(64), accountKey });
export const webhookRoute = z.object({ tenantId: z.string(), connectionId: z.string(), status: z.string() });
export type WebhookRoute = z.infer<typeof webhookRoute>;
export const webhookRoutesGetResponse = z.object({ routes: z.array(webhookRoute).max(1_000) });
export const webhookRoutesGetContract = defineRequest(
  subjects.authWebhookRoutesGet,
  webhookRoutesGetRequest,
  webhookRoutesGetResponse,
);

/**
 * `auth.event.connection.changed.v1` (core NATS, after commit, at most once): a connection was created, reconnected,
 * changed status or was removed. Caches keyed by account or connection drop what it names; a lost one is bounded by
 * their TTL.
 */
export const connectionChangedEvent = z.object({
  tenantId: z.string(),
  connectionId: z.string(),
  provider: z.string(),
  /** Its provider account, where the provider declares one. */
  accountKey: accountKey.optional(),
  status: z.string(),
});
export type ConnectionChangedEvent = z.infer<typeof connectionChangedEvent>;

/** `auth.internal.audit.record.v1`: webhook-ingest records a compliance action (Shopify redact) for one connection. */
export const auditRecordRequest = z.object({
  tenantId: z.string().min(1).max(64),
  connectionId: z.string().min(1).max(64),
  event: z.enum(['compliance.shop_redacted', 'compliance.customer_redacted', 'compliance.data_requested']),
  detail: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
});
export type AuditRecordRequest = z.infer<typeof auditRecordRequest>;
export const auditRecordContract = defineRequest(
  subjects.authAuditRecord,
  auditRecordRequest,
  z.object({ recorded: z.boolean() }),
);
