import { z } from 'zod';
import { defineRequest } from '../contract.js';
import { subjects } from '../subjects.js';

/** `auth.apikey.verify.v1`: the gateway asks which tenant an admin API key belongs to; unknown keys are UNAUTHENTICATED. */
export const apiKeyVerifyRequest = z.object({ apiKey: z.string().min(1).max(256) });
export const apiKeyVerifyResponse = z.object({ tenantId: z.string(), keyId: z.string() });
export type ApiKeyVerifyResponse = z.infer<typeof apiKeyVerifyResponse>;

export const apiKeyVerifyContract = defineRequest(subjects.authApiKeyVerify, apiKeyVerifyRequest, apiKeyVerifyResponse);
