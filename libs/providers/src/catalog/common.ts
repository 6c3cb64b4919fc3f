import type { RequestAuth, TokenResponseSpec } from '../provider-definition.js';

/** `Authorization: Bearer {token}`. */
export const BEARER: RequestAuth = { kind: 'header', header: 'Authorization', format: 'Bearer {token}' };

/** RFC 6749 token response: `expires_in` seconds; absent means the provider did not say (treated as non-expiring). */
export const STANDARD_TOKEN_RESPONSE: TokenResponseSpec = {
  expiry: 'expires_in',
  missingExpiryMeansNonExpiring: true,
  accessTokenPath: 'access_token',
};
