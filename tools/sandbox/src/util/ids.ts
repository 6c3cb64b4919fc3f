import { createHash, randomBytes } from 'node:crypto';
import { hash32 } from './prng.js';

const ALPHABET = '0123456789ABCDEFGHJKLMNPQRSTVWXYZ';

function encode(value: number, width: number): string {
  let out = '';
  let rest = value;
  for (let i = 0; i < width; i++) {
    out = (ALPHABET[rest % ALPHABET.length] ?? '0') + out;
    rest = Math.floor(rest / ALPHABET.length);
  }
  return out;
}

function decode(text: string): number | undefined {
  let value = 0;
  for (const ch of text) {
    const digit = ALPHABET.indexOf(ch);
    if (digit < 0) return undefined;
    value = value * ALPHABET.length + digit;
  }
  return value;
}

/**
 * Opaque-looking but invertible ids (Square style): kind letter, account tag, index, check characters.
 * The check characters make ids from another account or kind fail to parse instead of aliasing.
 */
export function opaqueId(kind: string, accountTag: number, index: number): string {
  const check = hash32(accountTag, index, kind.charCodeAt(0));
  return `${kind}${encode(accountTag % 33 ** 5, 5)}${encode(index, 6)}${encode(check % 33 ** 6, 6)}`;
}

/** Inverse of opaqueId; undefined when the id does not belong to this kind and account. */
export function parseOpaqueId(kind: string, accountTag: number, id: string): number | undefined {
  if (id.length !== kind.length + 17 || !id.startsWith(kind)) return undefined;
  const index = decode(id.slice(kind.length + 5, kind.length + 11));
  if (index === undefined) return undefined;
  return opaqueId(kind, accountTag, index) === id ? index : undefined;
}

/** A random secret-looking token with a provider-style prefix. */
export function randomToken(prefix: string, bytes = 24): string {
  return `${prefix}${randomBytes(bytes).toString('base64url')}`;
}

/** Short non-reversible fingerprint of a credential for the ledger (never the credential itself). */
export function fingerprint(secret: string): string {
  return createHash('sha256').update(secret).digest('hex').slice(0, 10);
}

/** A Mongo-style 24-hex ObjectId (Celigo, Plytix), stable per (account tag, kind, index). */
export function objectId(tag: number, kind: number, index: number): string {
  return [hash32(tag, kind, index, 1), hash32(tag, kind, index, 2), hash32(tag, kind, index, 3)]
    .map((h) => h.toString(16).padStart(8, '0'))
    .join('');
}
