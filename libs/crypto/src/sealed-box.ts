import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { CryptoError } from './crypto.errors.js';
import type { Keyring } from './keyring.js';

const FORMAT_VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const AAD_DOMAIN = Buffer.from('shelflink.sealed-box.v1', 'utf8');
const B64URL = /^[A-Za-z0-9_-]*$/;
const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;
// With the `u` flag, paired surrogates are consumed as one code point, so this only matches lone halves.
const LONE_SURROGATE = /\p{Cs}/u;

/** What a ciphertext is bound to: copying it to another tenant, connection or field makes it fail to open. */
export interface AadParts {
  readonly tenantId: string;
  readonly connectionId: string;
  readonly field: string;
}

/** A sealed value as one string for one text column: `v1.<keyId>.<b64url iv>.<b64url ct>.<b64url tag>`. */
export type Sealed = string;

/** The parts of a {@link Sealed} string. */
export interface SealedParts {
  readonly version: 'v1';
  readonly keyId: string;
  readonly iv: Buffer;
  readonly ciphertext: Buffer;
  readonly tag: Buffer;
}

/** Encrypts `plaintext` with AES-256-GCM under the keyring's active key and a fresh random 96-bit nonce. */
export function seal(keyring: Keyring, plaintext: string, aad: AadParts): Sealed {
  if (typeof plaintext !== 'string' || LONE_SURROGATE.test(plaintext)) {
    throw new CryptoError('INVALID_INPUT', 'seal: plaintext must be a well-formed string');
  }
  const keyId = keyring.activeKeyId;
  const key = keyring.keyFor(keyId);
  if (!key) throw new CryptoError('UNKNOWN_KEY', `seal: active key "${keyId}" is missing`);
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(encodeAad(aad));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return formatSealed({ version: FORMAT_VERSION, keyId, iv, ciphertext, tag: cipher.getAuthTag() });
}

/**
 * Decrypts a {@link Sealed} string. Throws {@link CryptoError} `MALFORMED`, `UNKNOWN_KEY`, `KEY_RETIRED` or
 * `DECRYPT_FAILED` (wrong AAD, tampering); never returns partial output.
 */
export function open(keyring: Keyring, sealed: Sealed, aad: AadParts): string {
  const parts = parseSealed(sealed);
  if (keyring.isRetired(parts.keyId)) {
    throw new CryptoError('KEY_RETIRED', `open: key "${parts.keyId}" is retired; its ciphertexts are refused`);
  }
  const key = keyring.keyFor(parts.keyId);
  if (!key) throw new CryptoError('UNKNOWN_KEY', `open: key "${parts.keyId}" is not in the keyring`);
  const aadBytes = encodeAad(aad);
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, parts.iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(aadBytes);
    decipher.setAuthTag(parts.tag);
    // Output exists only after final() has checked the tag.
    const plain = Buffer.concat([decipher.update(parts.ciphertext), decipher.final()]);
    return plain.toString('utf8');
  } catch {
    throw new CryptoError('DECRYPT_FAILED', 'open: authentication failed (wrong key, context or tampered data)');
  }
}

/** Whether `sealed` is under a key other than the active one and should be re-encrypted. Throws on malformed. */
export function needsRewrap(sealed: Sealed, keyring: Keyring): boolean {
  return parseSealed(sealed).keyId !== keyring.activeKeyId;
}

/** Opens and re-seals under the active key (for the background rotation job). */
export function rewrap(keyring: Keyring, sealed: Sealed, aad: AadParts): Sealed {
  return seal(keyring, open(keyring, sealed, aad), aad);
}

/** Splits a {@link Sealed} string into its parts; throws {@link CryptoError} `MALFORMED` on any deviation. */
export function parseSealed(sealed: string): SealedParts {
  const fields = typeof sealed === 'string' ? sealed.split('.') : [];
  const [version, keyId, iv, ct, tag] = fields;
  const valid =
    fields.length === 5 &&
    version === FORMAT_VERSION &&
    keyId !== undefined &&
    KEY_ID.test(keyId) &&
    [iv, ct, tag].every((part) => part !== undefined && B64URL.test(part));
  if (!valid || keyId === undefined) throw malformed();
  const parts = {
    version: FORMAT_VERSION,
    keyId,
    iv: Buffer.from(iv ?? '', 'base64url'),
    ciphertext: Buffer.from(ct ?? '', 'base64url'),
    tag: Buffer.from(tag ?? '', 'base64url'),
  } as const;
  if (parts.iv.length !== IV_BYTES || parts.tag.length !== TAG_BYTES) throw malformed();
  // Reject non-canonical base64url so one ciphertext has exactly one text form.
  if (formatSealed(parts) !== sealed) throw malformed();
  return parts;
}

/** Joins parts into the compact {@link Sealed} form. */
export function formatSealed(parts: SealedParts): Sealed {
  const b64 = (b: Buffer): string => b.toString('base64url');
  return [parts.version, parts.keyId, b64(parts.iv), b64(parts.ciphertext), b64(parts.tag)].join('.');
}

/** Canonical AAD: a domain tag then each part as a 4-byte big-endian length and its UTF-8 bytes. */
export function encodeAad(aad: AadParts): Buffer {
  const parts = [aad.tenantId, aad.connectionId, aad.field];
  if (parts.some((p) => typeof p !== 'string' || p === '' || LONE_SURROGATE.test(p))) {
    throw new CryptoError('INVALID_INPUT', 'aad: tenantId, connectionId and field must be non-empty strings');
  }
  const chunks: Buffer[] = [AAD_DOMAIN];
  for (const part of parts) {
    const bytes = Buffer.from(part, 'utf8');
    const length = Buffer.alloc(4);
    length.writeUInt32BE(bytes.length);
    chunks.push(length, bytes);
  }
  return Buffer.concat(chunks);
}

function malformed(): CryptoError {
  return new CryptoError('MALFORMED', 'open: sealed value is not a valid v1 sealed string');
}
