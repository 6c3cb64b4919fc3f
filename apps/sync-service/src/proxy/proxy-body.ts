import { isUtf8 } from 'node:buffer';
import { randomUUID } from 'node:crypto';
import type { ProviderRequestRequest } from '@shelflink/contracts';
import type { ProviderHttpAnswer, StreamSpec } from '@shelflink/providers';
import { providerErrorFromNetwork } from '@shelflink/resilience';
import type { ProviderAccount } from '../provider/provider-catalog.service.js';
import { payloadTooLarge } from './proxy.errors.js';

/** The request body as the provider client sends it: JSON, raw bytes, or none. */
export interface ProxyBody {
  json?: unknown;
  raw?: Uint8Array;
}

/** Providers whose writes take an idempotency key in the JSON body, so a retried POST is applied once. */
const BODY_IDEMPOTENCY_FIELD: Readonly<Record<string, string>> = { square: 'idempotency_key' };

/** The caller's body, refused past `maxBytes` before anything is sent. */
export function proxyBody(request: ProviderRequestRequest, maxBytes: number): ProxyBody {
  if (request.bodyBase64 !== undefined) {
    const raw = Buffer.from(request.bodyBase64, 'base64');
    if (raw.byteLength > maxBytes) throw payloadTooLarge('The request body', maxBytes);
    return { raw };
  }
  if (request.json === undefined) return {};
  if (Buffer.byteLength(JSON.stringify(request.json)) > maxBytes) throw payloadTooLarge('The request body', maxBytes);
  return { json: request.json };
}

/** The catalog stream this method and path are (its reads are safe to repeat; its pagination is known). */
export function catalogStream(account: ProviderAccount, method: string, path: string): StreamSpec | undefined {
  const pathname = path.split('?', 1)[0];
  return account.streams.find((stream) => stream.method === method && stream.path.split('?', 1)[0] === pathname);
}

/**
 * Whether the request may be retried, and its body: reads and catalog streams may; a write only where the provider
 * takes an idempotency key (Square's `idempotency_key`, added when the caller sent none).
 */
export function idempotentPlan(
  account: ProviderAccount,
  method: string,
  path: string,
  body: ProxyBody,
): { idempotent: boolean; body: ProxyBody } {
  if (['GET', 'HEAD', 'PUT', 'DELETE'].includes(method) || catalogStream(account, method, path)) {
    return { idempotent: true, body };
  }
  const field = BODY_IDEMPOTENCY_FIELD[account.provider];
  const json = body.json;
  if (!field || typeof json !== 'object' || json === null || Array.isArray(json)) return { idempotent: false, body };
  if (field in json) return { idempotent: true, body };
  return { idempotent: true, body: { json: { ...json, [field]: randomUUID() } } };
}

/** The whole body, refused once it passes `maxBytes` (the rest is not read). */
export async function readBounded(response: ProviderHttpAnswer, maxBytes: number): Promise<Buffer> {
  const declared = Number(response.headers.get('content-length') ?? '0');
  if (declared > maxBytes) {
    response.cancel();
    throw payloadTooLarge("The provider's response", maxBytes);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of response.body) {
      size += chunk.byteLength;
      if (size > maxBytes) {
        response.cancel();
        throw payloadTooLarge("The provider's response", maxBytes);
      }
      chunks.push(chunk);
    }
  } catch (error) {
    if (error instanceof Error && error.name === 'BusError') throw error;
    throw providerErrorFromNetwork(error);
  }
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size);
}

/** Text when the bytes are UTF-8 (JSON, HTML), else base64. */
export function encodeBody(bytes: Buffer): { body: string; bodyEncoding: 'utf8' | 'base64' } {
  return isUtf8(bytes)
    ? { body: bytes.toString('utf8'), bodyEncoding: 'utf8' }
    : { body: bytes.toString('base64'), bodyEncoding: 'base64' };
}
