export { CryptoError } from './crypto.errors.js';
export type { CryptoErrorCode } from './crypto.errors.js';
export { Keyring, parseKeyring } from './keyring.js';
export type { KeyringConfig } from './keyring.js';
export { seal, open, needsRewrap, rewrap, parseSealed, formatSealed, encodeAad } from './sealed-box.js';
export type { AadParts, Sealed, SealedParts } from './sealed-box.js';
export {
  generateApiKey,
  apiKeyPrefixId,
  hashApiKey,
  verifyApiKey,
  randomToken,
  createPkcePair,
  pkceChallenge,
  timingSafeEqualStrings,
  timingSafeEqualBuffers,
  tokenFingerprint,
} from './secret-hash.js';
export type { GeneratedApiKey, PkcePair } from './secret-hash.js';
export { SecretValue } from './secret-value.js';
