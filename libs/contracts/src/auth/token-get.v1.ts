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
  /**
   * The fingerprint (`tokenFingerprint` in @shelflink/crypto) of a token the provider refused before its expiry
   * (revoked, or expired early). If it is still the connection's current token, auth-service renews the credential
   * where the scheme can (refresh token, key-and-password login), once however many callers report it; otherwise the
   * current token comes back unchanged. The reply is always the newest token.
   */
  refusedTokenFingerprint: z
    .string()
    .regex(/^[0-9a-f]{32}$/, 'the 32 hex digits of tokenFingerprint')
    .optional(),
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
/** The same request from a consumer service, on `auth.token.get.v1.<its name>`. */
export const consumerTokenGetContract = defineRequest(subjects.consumerTokenGet, tokenGetRequest, tokenGetResponse);
