import { z } from 'zod';
import { defineRequest } from '../contract.js';
import { subjects } from '../subjects.js';
import { connectionStatuses } from './connection-lookup.v1.js';

const id = z.string().min(1).max(64);
const alias = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,31}$/, 'lowercase letters, digits, _ or -, at most 32');
const secret = z.string().min(1).max(4096);

/** Provider identifiers kept beside a connection; validated per provider by auth-service (shop pattern, etc.). */
export const connectionMetadataInput = z
  .object({
    shop: z.string().max(255).optional(),
    merchantId: z.string().max(128).optional(),
    locationIds: z.array(z.string().min(1).max(128)).max(100).optional(),
    accountId: z.string().max(64).optional(),
    cloudId: z.string().max(64).optional(),
    region: z.string().max(16).optional(),
  })
  .strict();

/**
 * Non-OAuth credentials: a static token, key + password (re-login on expiry), NetSuite TBA tokens, or `none` for an
 * inbound-only provider (Standard Webhooks) that needs only its webhook secret.
 */
export const connectionCredentialsInput = z.discriminatedUnion('type', [
  z.object({ type: z.literal('none') }).strict(),
  z.object({ type: z.literal('access-token'), accessToken: secret }).strict(),
  z.object({ type: z.literal('key-password'), apiKey: secret, password: secret }).strict(),
  z
    .object({
      type: z.literal('tba'),
      consumerKey: secret,
      consumerSecret: secret,
      tokenId: secret,
      tokenSecret: secret,
    })
    .strict(),
]);

/** A connection as admins and services see it: never a secret. */
export const connectionView = z.object({
  id: z.string(),
  provider: z.string(),
  alias: z.string(),
  status: z.enum(connectionStatuses),
  authMode: z.string(),
  metadata: z.record(z.string(), z.unknown()),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type ConnectionView = z.infer<typeof connectionView>;

/** `auth.connection.create.v1` (gateway → auth-service): create a connection from non-OAuth credentials. */
export const connectionCreateRequest = z.object({
  tenantId: id,
  provider: z.string().min(1).max(64),
  alias: alias.default('default'),
  credentials: connectionCredentialsInput.default({ type: 'none' }),
  metadata: connectionMetadataInput.default({}),
  /** Per-connection webhook signing secret (Standard Webhooks, Jira); sealed like every other secret. */
  webhookSecret: secret.optional(),
});
export type ConnectionCreateRequest = z.infer<typeof connectionCreateRequest>;
export const connectionCreateContract = defineRequest(
  subjects.authConnectionCreate,
  connectionCreateRequest,
  connectionView,
);

/** `auth.connection.list.v1`: a tenant's connections, optionally one provider's. */
export const connectionListRequest = z.object({ tenantId: id, provider: z.string().max(64).optional() });
export const connectionListResponse = z.object({ connections: z.array(connectionView) });
export const connectionListContract = defineRequest(
  subjects.authConnectionList,
  connectionListRequest,
  connectionListResponse,
);

/** `auth.connection.get.v1`: one connection of the tenant; another tenant's is NOT_FOUND like a missing one. */
export const connectionGetRequest = z.object({ tenantId: id, connectionId: id });
export const connectionGetContract = defineRequest(subjects.authConnectionGet, connectionGetRequest, connectionView);

/** `auth.connection.delete.v1`: revoke at the provider where it can, then erase the secrets. */
export const connectionDeleteResponse = z.object({
  id: z.string(),
  status: z.enum(connectionStatuses),
  revokedAtProvider: z.boolean(),
});
export const connectionDeleteContract = defineRequest(
  subjects.authConnectionDelete,
  connectionGetRequest,
  connectionDeleteResponse,
);

/** `auth.connection.test.v1`: one cheap authenticated call to the provider. */
export const connectionTestResponse = z.object({
  ok: z.boolean(),
  status: z.number().int().nullable(),
  code: z.string().optional(),
});
export const connectionTestContract = defineRequest(
  subjects.authConnectionTest,
  connectionGetRequest,
  connectionTestResponse,
);

/**
 * `auth.connection.audit.v1`: the connection's credential events, newest first; `before` (an entry id) pages back.
 * Entries carry ids, codes and versions only, never a secret.
 */
export const connectionAuditRequest = z.object({
  tenantId: id,
  connectionId: id,
  limit: z.number().int().min(1).max(200).default(50),
  before: z
    .string()
    .regex(/^[1-9][0-9]{0,18}$/, 'must be an entry id')
    .optional(),
});
export const auditEntryView = z.object({
  id: z.string(),
  event: z.string(),
  actor: z.string(),
  detail: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
  createdAt: z.string(),
});
export const connectionAuditResponse = z.object({
  entries: z.array(auditEntryView),
  /** Pass as `before` for the next (older) page; null on the last page. */
  nextBefore: z.string().nullable(),
});
export type ConnectionAuditResponse = z.infer<typeof connectionAuditResponse>;
export const connectionAuditContract = defineRequest(
  subjects.authConnectionAudit,
  connectionAuditRequest,
  connectionAuditResponse,
);
