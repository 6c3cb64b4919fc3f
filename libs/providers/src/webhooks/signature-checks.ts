import { createHmac } from 'node:crypto';
import { timingSafeEqualBuffers } from '@shelflink/crypto';
import { readHeader } from './webhook-headers.js';
import type { WebhookFailureCode, WebhookInput } from './webhook.types.js';

/** Outcome of a signature check: the index of the matching secret, or why none matched. */
export type SignatureCheck =
  { readonly ok: true; readonly secretIndex: number } | { readonly ok: false; readonly code: WebhookFailureCode };

/** A usable HMAC key and its position in the caller's `secrets`. */
export interface SecretKey {
  readonly index: number;
  readonly key: Buffer;
}

// Base64 of a 32-byte digest is exactly 43 characters and one `=`.
export const B64_SHA256 = /^[A-Za-z0-9+/]{43}=$/;
const HEX_SHA256 = /^sha256=([0-9a-fA-F]{64})$/;

/** Square: base64 HMAC-SHA256 over `notificationUrl + body` in `x-square-hmacsha256-signature`. */
export function checkSquareSignature(input: WebhookInput, header: string): SignatureCheck {
  if (typeof input.notificationUrl !== 'string' || input.notificationUrl === '')
    return { ok: false, code: 'MISSING_SECRET' };
  const url = Buffer.from(input.notificationUrl, 'utf8');
  return checkBase64Header(input, header, [url, input.rawBody]);
}

/** Shopify: base64 HMAC-SHA256 over the raw body in `x-shopify-hmac-sha256`. */
export function checkShopifySignature(input: WebhookInput, header: string): SignatureCheck {
  return checkBase64Header(input, header, [input.rawBody]);
}

/** Jira admin webhooks: `X-Hub-Signature: sha256=<hex HMAC-SHA256 of the body>`. */
export function checkJiraSignature(input: WebhookInput, header: string): SignatureCheck {
  const keys = utf8Keys(input.secrets);
  if (keys.length === 0) return { ok: false, code: 'MISSING_SECRET' };
  const read = readSignatureHeader(input, header);
  if (!read.ok) return read;
  const match = HEX_SHA256.exec(read.value);
  if (!match) return { ok: false, code: 'MALFORMED_SIGNATURE' };
  return matchSecrets(keys, Buffer.from(match[1] ?? '', 'hex'), [input.rawBody]);
}

/** HMAC-SHA256 of concatenated parts. */
export function hmac(key: Buffer, parts: readonly Buffer[]): Buffer {
  const mac = createHmac('sha256', key);
  for (const part of parts) mac.update(part);
  return mac.digest();
}

/** Compares a 32-byte `provided` digest with each key's HMAC of `parts` in constant time. */
export function matchSecrets(keys: readonly SecretKey[], provided: Buffer, parts: readonly Buffer[]): SignatureCheck {
  let matched = -1;
  for (const { key, index } of keys) {
    // Check every key so timing does not reveal which one matched.
    if (timingSafeEqualBuffers(hmac(key, parts), provided) && matched === -1) matched = index;
  }
  return matched >= 0 ? { ok: true, secretIndex: matched } : { ok: false, code: 'BAD_SIGNATURE' };
}

/** Non-empty secrets as UTF-8 keys; an empty secret would let anyone sign, so it is never used. */
export function utf8Keys(secrets: readonly string[]): SecretKey[] {
  return secrets.flatMap((secret, index) =>
    typeof secret === 'string' && secret !== '' ? [{ index, key: Buffer.from(secret, 'utf8') }] : [],
  );
}

function checkBase64Header(input: WebhookInput, header: string, parts: readonly Buffer[]): SignatureCheck {
  const keys = utf8Keys(input.secrets);
  if (keys.length === 0) return { ok: false, code: 'MISSING_SECRET' };
  const read = readSignatureHeader(input, header);
  if (!read.ok) return read;
  if (!B64_SHA256.test(read.value)) return { ok: false, code: 'MALFORMED_SIGNATURE' };
  return matchSecrets(keys, Buffer.from(read.value, 'base64'), parts);
}

function readSignatureHeader(
  input: WebhookInput,
  header: string,
): { ok: true; value: string } | { ok: false; code: WebhookFailureCode } {
  const read = readHeader(input.headers, header);
  if (read.state === 'missing') return { ok: false, code: 'MISSING_SIGNATURE' };
  if (read.state === 'duplicate') return { ok: false, code: 'MALFORMED_SIGNATURE' };
  return { ok: true, value: read.value };
}
