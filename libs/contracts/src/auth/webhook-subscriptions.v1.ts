import { z } from 'zod';
import { defineRequest } from '../contract.js';
import { subjects } from '../subjects.js';

const tenantId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/);
const connectionRequest = z.object({ tenantId, connectionId: z.string().min(1).max(64) });

/** One subscription as the provider lists it; `ours`: it points at this connection's Shelflink URL. */
export const providerSubscriptionView = z.object({
  id: z.string(),
  topic: z.string(),
  address: z.string(),
  ours: z.boolean(),
});

/** Where Shelflink stands with a connection's subscriptions: last sync, its outcome, the next check. */
export const webhookRegistrationView = z.object({
  state: z.enum(['pending', 'synced', 'failed']),
  topics: z.array(z.string()),
  lastError: z.string().nullable(),
  attempts: z.number().int(),
  syncedAt: z.string().nullable(),
  nextCheckAt: z.string(),
});

/** `auth.admin.webhooks.list.v1` (operator): a connection's subscriptions at the provider and what Shelflink wants. */
export const adminWebhooksListResponse = z.object({
  url: z.string(),
  wanted: z.array(z.string()),
  subscriptions: z.array(providerSubscriptionView),
  registration: webhookRegistrationView.nullable(),
});
export const adminWebhooksListContract = defineRequest(
  subjects.authAdminWebhooksList,
  connectionRequest,
  adminWebhooksListResponse,
);

/** `auth.admin.webhooks.sync.v1` (operator): make the connection's subscriptions match the configured topics now. */
export const adminWebhooksSyncResponse = z.object({
  url: z.string(),
  created: z.array(z.string()),
  deleted: z.array(z.string()),
  subscriptions: z.array(providerSubscriptionView),
});
export const adminWebhooksSyncContract = defineRequest(
  subjects.authAdminWebhooksSync,
  connectionRequest,
  adminWebhooksSyncResponse,
);

/**
 * `auth.admin.webhooks.ensure.v1` (operator): the app-level subscription (Square) points at `/webhooks/{provider}`
 * with the configured event types and API version. `signatureKey` is set only when it is new or differs from the
 * configured key: the operator must configure it; it goes nowhere else.
 */
export const adminWebhooksEnsureRequest = z.object({ provider: z.literal('square') });
export const adminWebhooksEnsureResponse = z.object({
  provider: z.string(),
  action: z.enum(['created', 'updated', 'unchanged']),
  subscriptionId: z.string(),
  url: z.string(),
  eventTypes: z.array(z.string()),
  apiVersion: z.string(),
  signatureKeyStatus: z.enum(['matches', 'mismatch', 'not-configured', 'not-shown']),
  signatureKey: z.string().optional(),
});
export const adminWebhooksEnsureContract = defineRequest(
  subjects.authAdminWebhooksEnsure,
  adminWebhooksEnsureRequest,
  adminWebhooksEnsureResponse,
);

/** `auth.admin.webhooks.status.v1` (operator): per provider, the URL and topics providers will deliver with. */
export const adminWebhooksStatusResponse = z.object({
  providers: z.array(
    z.object({
      provider: z.string(),
      scheme: z.string(),
      /** `connection`: one URL per connection (`{connectionId}` in `url`); `app`: one URL for the provider app. */
      registration: z.enum(['connection', 'app']),
      /** True where Shelflink registers the subscriptions itself (Shopify per shop). */
      registeredByShelflink: z.boolean(),
      url: z.string(),
      topics: z.array(z.string()),
    }),
  ),
});
export const adminWebhooksStatusContract = defineRequest(
  subjects.authAdminWebhooksStatus,
  z.object({}),
  adminWebhooksStatusResponse,
);
