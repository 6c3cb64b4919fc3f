import { z } from 'zod';
import { defineRequest } from '../contract.js';
import { subjects } from '../subjects.js';
import { connectionView } from './connection-admin.v1.js';

const tenantId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/);

/** Operator subjects (`auth.admin.*`): only the operator NATS user may send them. */
export const adminTenantCreateRequest = z.object({ tenantId, name: z.string().min(1).max(200).optional() });
export const adminTenantCreateResponse = z.object({ tenantId: z.string(), created: z.boolean() });
export const adminTenantCreateContract = defineRequest(
  subjects.authAdminTenantCreate,
  adminTenantCreateRequest,
  adminTenantCreateResponse,
);

/** A new admin API key; `apiKey` is shown once and only its hash is stored. */
export const adminApiKeyCreateRequest = z.object({ tenantId, name: z.string().max(200).optional() });
export const adminApiKeyCreateResponse = z.object({ tenantId: z.string(), keyId: z.string(), apiKey: z.string() });
export const adminApiKeyCreateContract = defineRequest(
  subjects.authAdminApiKeyCreate,
  adminApiKeyCreateRequest,
  adminApiKeyCreateResponse,
);

export const adminConnectionsListRequest = z.object({ tenantId: tenantId.optional() });
export const adminConnectionsListResponse = z.object({
  connections: z.array(connectionView.extend({ tenantId: z.string() })),
});
export const adminConnectionsListContract = defineRequest(
  subjects.authAdminConnectionsList,
  adminConnectionsListRequest,
  adminConnectionsListResponse,
);

export const adminConnectionTestRequest = z.object({ tenantId, connectionId: z.string().min(1).max(64) });
export const adminConnectionTestResponse = z.object({
  ok: z.boolean(),
  status: z.number().int().nullable(),
  code: z.string().optional(),
});
export const adminConnectionTestContract = defineRequest(
  subjects.authAdminConnectionTest,
  adminConnectionTestRequest,
  adminConnectionTestResponse,
);

/** Starts (or resumes) re-encryption of every sealed value under the active key; answers with the counts per key. */
export const adminKeysRotateRequest = z.object({});
export const adminKeysStatusResponse = z.object({
  activeKeyId: z.string(),
  rowsByKey: z.record(z.string(), z.number().int()),
  rotating: z.boolean(),
});
export const adminKeysRotateContract = defineRequest(
  subjects.authAdminKeysRotate,
  adminKeysRotateRequest,
  adminKeysStatusResponse,
);
export const adminKeysStatusContract = defineRequest(
  subjects.authAdminKeysStatus,
  adminKeysRotateRequest,
  adminKeysStatusResponse,
);

/** Clears the answering replica's token cache (each replica's cache also expires on its own within seconds). */
export const adminTokenCacheClearResponse = z.object({ cleared: z.number().int() });
export const adminTokenCacheClearContract = defineRequest(
  subjects.authAdminTokenCacheClear,
  adminKeysRotateRequest,
  adminTokenCacheClearResponse,
);
