import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { CryptoError } from './crypto.errors.js';

const API_KEY_PREFIX = 'slk_';
const API_KEY_PATTERN = /^slk_[A-Za-z0-9_-]{43}$/;
const PREFIX_ID_LENGTH = 8;
const HASH_PATTERN = /^(sha256|hmac-sha256):([0-9a-f]{64})$/;
const PKCE_VERIFIER_PATTERN = /^[A-Za-z0-9._~-]{43,128}$/;

/** A freshly generated admin API key: show `key` once, store `prefixId` (for lookup) and `hash`. */
export interface GeneratedApiKey {
  /** `slk_` + 32 random bytes in base64url (47 characters). Secret. */
  readonly key: string;
  /** First 8 characters after `slk_`; not secret, indexes the stored row. */
  readonly prefixId: string;
  /** `sha256:<hex>` or, with a pepper, `hmac-sha256:<hex>`. */
  readonly hash: string;
}

/** Generates an admin API key and its storable hash (HMAC-SHA256 with `pepper` when given, else SHA-256). */
export function generateApiKey(pepper?: string | Buffer): GeneratedApiKey {
  const key = API_KEY_PREFIX + randomBytes(32).toString('base64url');
  return {
    key,
    prefixId: key.slice(API_KEY_PREFIX.length, API_KEY_PREFIX.length + PREFIX_ID_LENGTH),
    hash: hashApiKey(key, pepper),
  };
}

/** The lookup prefix id of a well-formed API key, or undefined when the text is not an API key. */
export function apiKeyPrefixId(key: string): string | undefined {
  if (typeof key !== 'string' || !API_KEY_PATTERN.test(key)) return undefined;
  return key.slice(API_KEY_PREFIX.length, API_KEY_PREFIX.length + PREFIX_ID_LENGTH);
}

/** Hashes an API key for storage. High-entropy keys need no slow KDF; the pepper keeps a leaked table useless. */
export function hashApiKey(key: string, pepper?: string | Buffer): string {
  if (pepper !== undefined && pepper.length > 0) {
    return `hmac-sha256:${createHmac('sha256', pepper).update(key, 'utf8').digest('hex')}`;
  }
  return `sha256:${createHash('sha256').update(key, 'utf8').digest('hex')}`;
}

/**
 * Checks a presented API key against a stored hash in constant time. Returns false (never throws) for
 * malformed keys or hashes, and for a peppered hash when no pepper is given.
 */
export function verifyApiKey(key: string, storedHash: string, pepper?: string | Buffer): boolean {
  const stored = typeof storedHash === 'string' ? HASH_PATTERN.exec(storedHash) : null;
  if (!stored || typeof key !== 'string') return false;
  const peppered = stored[1] === 'hmac-sha256';
  const hasPepper = pepper !== undefined && pepper.length > 0;
  if (peppered !== hasPepper) return false;
  const computed = HASH_PATTERN.exec(hashApiKey(key, pepper));
  return (
    computed !== null &&
    timingSafeEqualBuffers(Buffer.from(computed[2] ?? '', 'hex'), Buffer.from(stored[2] ?? '', 'hex'))
  );
}

/** A random URL-safe token of `bytes` random bytes (default 32), base64url without padding. */
export function randomToken(bytes = 32): string {
  if (!Number.isInteger(bytes) || bytes < 1 || bytes > 1024) {
    throw new CryptoError('INVALID_INPUT', 'randomToken: bytes must be an integer from 1 to 1024');
  }
  return randomBytes(bytes).toString('base64url');
}

/** A PKCE pair (RFC 7636): a 43-character verifier from 32 random bytes and its S256 challenge. */
export interface PkcePair {
  readonly verifier: string;
  readonly challenge: string;
  readonly method: 'S256';
}

/** Creates a PKCE verifier and its S256 challenge. */
export function createPkcePair(): PkcePair {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: pkceChallenge(verifier), method: 'S256' };
}

/** The S256 challenge of a verifier: base64url(SHA-256(verifier)). Throws on a verifier outside RFC 7636 §4.1. */
export function pkceChallenge(verifier: string): string {
  if (typeof verifier !== 'string' || !PKCE_VERIFIER_PATTERN.test(verifier)) {
    throw new CryptoError('INVALID_INPUT', 'pkce: verifier must be 43-128 characters of [A-Za-z0-9._~-]');
  }
  return createHash('sha256').update(verifier, 'ascii').digest('base64url');
}

/**
 * Names an access token without revealing it: the first 128 bits of its SHA-256, in hex. A caller says which token a
 * provider refused with it (`auth.token.get.v1`), so no token travels back to auth-service.
 */
export function tokenFingerprint(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex').slice(0, 32);
}

/** Constant-time string equality that never throws on different lengths (compares SHA-256 digests). */
export function timingSafeEqualStrings(a: string, b: string): boolean {
  if (typeof a !== 'string' || typeof b !== 'string') return false;
  const da = createHash('sha256').update(a, 'utf8').digest();
  const db = createHash('sha256').update(b, 'utf8').digest();
  return timingSafeEqual(da, db);
}

/** Constant-time buffer equality; false (not a throw) when lengths differ. Lengths are not secret here. */
export function timingSafeEqualBuffers(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}
