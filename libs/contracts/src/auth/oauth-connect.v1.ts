import { z } from 'zod';
import { defineRequest } from '../contract.js';
import { subjects } from '../subjects.js';
import { connectionMetadataInput } from './connection-admin.v1.js';
import { returnUrlSchema } from './connect-page.v1.js';

/** `auth.connect-session.create.v1` (gateway → auth-service): start an OAuth 2.0 flow for one tenant, provider and alias. */
export const connectSessionCreateRequest = z.object({
  tenantId: z.string().min(1).max(64),
  provider: z.string().min(1).max(64),
  alias: z
    .string()
    .regex(/^[a-z0-9][a-z0-9_-]{0,31}$/)
    .default('default'),
  scopes: z.array(z.string().min(1).max(128)).max(50).optional(),
  shop: z.string().max(255).optional(),
  accountId: z.string().max(64).optional(),
  metadata: connectionMetadataInput.optional(),
  /** Square: use the PKCE variant (rotating refresh tokens); other providers use PKCE whenever they support it. */
  pkce: z.boolean().optional(),
  /** Where the merchant's browser goes after the callback; must start with one of the tenant's allowed return URLs. */
  returnUrl: returnUrlSchema.optional(),
});
export const connectSessionCreateResponse = z.object({ authorizeUrl: z.string(), expiresAt: z.string() });
export const connectSessionCreateContract = defineRequest(
  subjects.authConnectSessionCreate,
  connectSessionCreateRequest,
  connectSessionCreateResponse,
);

/** `auth.oauth.callback.v1` (gateway → auth-service): the provider's redirect, raw query kept for Shopify's HMAC. */
export const oauthCallbackRequest = z.object({ rawQuery: z.string().max(8192) });
export const oauthCallbackResponse = z.object({
  connectionId: z.string(),
  provider: z.string(),
  alias: z.string(),
  status: z.string(),
  /** The session's return URL, when it was started with one. */
  returnUrl: z.string().optional(),
});
export const oauthCallbackContract = defineRequest(
  subjects.authOAuthCallback,
  oauthCallbackRequest,
  oauthCallbackResponse,
);
