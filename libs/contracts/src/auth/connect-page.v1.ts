import { z } from 'zod';
import { defineRequest } from '../contract.js';
import { subjects } from '../subjects.js';
import { connectionCredentialsInput } from './connection-admin.v1.js';

const tenantId = z.string().min(1).max(64);
const provider = z.string().min(1).max(64);

/** A retailer's page a merchant returns to: http(s) only, no credentials in it. */
export const returnUrlSchema = z
  .url({ protocol: /^https?$/ })
  .max(2048)
  .refine((url) => !/^[a-z]+:\/\/[^/]*@/i.test(url), 'must not carry user info');

/** `auth.connect-settings.put.v1`: the tenant's allowed return URLs (a return URL must start with one of them). */
export const connectSettingsPutRequest = z.object({ tenantId, returnUrls: z.array(returnUrlSchema).max(20) });
export const connectSettingsResponse = z.object({ returnUrls: z.array(z.string()) });
export const connectSettingsPutContract = defineRequest(
  subjects.authConnectSettingsPut,
  connectSettingsPutRequest,
  connectSettingsResponse,
);

/** `auth.connect-page.create.v1`: a single-use, short-lived link to the hosted Connect page for one merchant. */
export const connectPageCreateRequest = z.object({
  tenantId,
  alias: z
    .string()
    .regex(/^[a-z0-9][a-z0-9_-]{0,31}$/)
    .default('default'),
  allowedProviders: z.array(provider).min(1).max(20).optional(),
  returnUrl: returnUrlSchema.optional(),
});
export const connectPageCreateResponse = z.object({ connectUrl: z.string(), expiresAt: z.string() });
export const connectPageCreateContract = defineRequest(
  subjects.authConnectPageCreate,
  connectPageCreateRequest,
  connectPageCreateResponse,
);

export const connectPageToken = z.string().regex(/^[A-Za-z0-9_-]{16,128}$/, 'must be a connect token');

/** How the page connects one provider: OAuth consent or a credentials form, and the identifiers it asks for. */
export const connectPageProvider = z.object({
  key: z.string(),
  displayName: z.string(),
  kind: z.enum(['oauth', 'key-password', 'access-token', 'tba']),
  needs: z.array(z.enum(['shop', 'accountId', 'region'])),
});
export type ConnectPageProvider = z.infer<typeof connectPageProvider>;

/** `auth.connect-page.get.v1`: what an open page offers; a used, expired or unknown token is refused with its reason. */
export const connectPageGetRequest = z.object({ token: connectPageToken });
export const connectPageView = z.object({
  providers: z.array(connectPageProvider),
  expiresAt: z.string(),
});
export const connectPageGetContract = defineRequest(
  subjects.authConnectPageGet,
  connectPageGetRequest,
  connectPageView,
);

/**
 * `auth.connect-page.submit.v1`: the merchant's choice. OAuth answers the authorize URL to send the browser to;
 * credentials are stored and tested at once (refused ones are not kept and the page stays open).
 */
export const connectPageSubmitRequest = z.object({
  token: connectPageToken,
  provider,
  shop: z.string().max(255).optional(),
  accountId: z.string().max(64).optional(),
  region: z.string().max(16).optional(),
  credentials: connectionCredentialsInput.optional(),
});
export const connectPageSubmitResponse = z.object({
  authorizeUrl: z.string().optional(),
  connectionId: z.string().optional(),
  status: z.string().optional(),
  returnUrl: z.string().optional(),
});
export const connectPageSubmitContract = defineRequest(
  subjects.authConnectPageSubmit,
  connectPageSubmitRequest,
  connectPageSubmitResponse,
);
