import { z } from 'zod';
import { defineRequest } from '../contract.js';
import { subjects } from '../subjects.js';

/**
 * `auth.token.get.v1`: a valid access token for one connection, refreshed first when near expiry.
 * Only internal services may send it (NATS permissions); refresh tokens and client secrets never leave auth-service.
 */
export const tokenGetRequest = z.object({
  tenantId: z.string().min(1).max(64),
  connectionId: z.string().min(1).max(64),
});
export const tokenGetResponse = z.object({
  accessToken: z.string(),
  tokenType: z.string(),
  expiresAt: z.iso.datetime().nullable(),
  headers: z.record(z.string(), z.string()),
});
export type TokenGetRequest = z.infer<typeof tokenGetRequest>;
export type TokenGetResponse = z.infer<typeof tokenGetResponse>;

export const tokenGetContract = defineRequest(subjects.authTokenGet, tokenGetRequest, tokenGetResponse);
