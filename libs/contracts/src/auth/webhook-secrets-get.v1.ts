import { z } from 'zod';
import { defineRequest } from '../contract.js';
import { subjects } from '../subjects.js';

/**
 * `auth.internal.webhook-secrets.get.v1`: what webhook-ingest needs to verify one connection's deliveries, or, without
 * `connectionId`, the app-level deliveries of a provider (`POST /webhooks/{provider}`: the app's secrets and URL).
 * Only webhook-ingest may send it (NATS permissions). `secrets` has two entries during a rotation.
 */
export const webhookSecretsGetRequest = z.object({
  connectionId: z.string().min(1).max(64).optional(),
  provider: z.string().min(1).max(64),
});
export const webhookSecretsGetResponse = z.object({
  /** The connection's tenant; absent for app-level secrets, which belong to no tenant. */
  tenantId: z.string().optional(),
  provider: z.string(),
  /** The catalog's webhook scheme, e.g. `square-hmac`, `shopify-hmac`, `standard-webhooks`, `jira-hub-signature`. */
  scheme: z.string(),
  secrets: z.array(z.string()),
  /** The exact public URL the provider signs (Square), built from the configured public base URL. */
  notificationUrl: z.string().optional(),
  /** The connection's provider account (Square merchant id, Shopify shop), where the provider declares one. */
  accountKey: z.string().optional(),
  /** App-level: whether the provider declares an account key to route by. */
  routable: z.boolean().optional(),
  /** Bumped whenever secrets change, so caches keyed by it never serve a stale secret. */
  version: z.number().int(),
});
export type WebhookSecretsGetResponse = z.infer<typeof webhookSecretsGetResponse>;

export const webhookSecretsGetContract = defineRequest(
  subjects.authWebhookSecretsGet,
  webhookSecretsGetRequest,
  webhookSecretsGetResponse,
);
