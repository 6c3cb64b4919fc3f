import type { ValueLocation, WebhookSpec } from '../provider-definition.js';
import { readHeader } from './webhook-headers.js';
import type { WebhookFailureCode, WebhookHeaders } from './webhook.types.js';

const MAX_ID_LENGTH = 255;

/** Fields pulled from a verified delivery, or the reason they could not be. */
export type WebhookMetadata =
  | {
      readonly ok: true;
      readonly dedupId: string;
      readonly eventType: string;
      readonly occurredAt?: Date;
      readonly providerEventId?: string;
      readonly accountKey?: string;
      readonly compliance?: boolean;
    }
  | { readonly ok: false; readonly code: WebhookFailureCode };

// One decoder for every call: without `stream`, each decode starts afresh, even after one that threw.
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** Parses the body as a JSON object; undefined for anything else (including invalid UTF-8 JSON text). */
export function parseJsonObject(rawBody: Buffer): Record<string, unknown> | undefined {
  try {
    const text = strictUtf8.decode(rawBody);
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** Extracts dedup id, event type and time as the scheme's spec says. */
export function extractMetadata(
  spec: WebhookSpec,
  headers: WebhookHeaders,
  body: Record<string, unknown>,
): WebhookMetadata {
  const dedupId = spec.dedupId ? readString(spec.dedupId, headers, body) : undefined;
  if (dedupId === undefined || dedupId.length > MAX_ID_LENGTH) return { ok: false, code: 'MISSING_DEDUP_ID' };
  const eventType = spec.eventType ? readString(spec.eventType, headers, body) : undefined;
  if (eventType === undefined || eventType.length > MAX_ID_LENGTH) return { ok: false, code: 'MALFORMED_BODY' };
  const occurredAt = spec.timestamp ? readTime(spec.timestamp, headers, body) : undefined;
  const extra = spec.alsoStore?.[0];
  const providerEventId = extra ? readString(extra, headers, body) : undefined;
  const accountKey = spec.accountKey ? readString(spec.accountKey.location, headers, body) : undefined;
  return {
    ok: true,
    dedupId,
    eventType,
    ...(occurredAt ? { occurredAt } : {}),
    ...(providerEventId !== undefined && providerEventId.length <= MAX_ID_LENGTH ? { providerEventId } : {}),
    ...(accountKey !== undefined && accountKey.length <= MAX_ID_LENGTH ? { accountKey } : {}),
    ...(spec.complianceTopics?.includes(eventType) ? { compliance: true } : {}),
  };
}

/** The account a connection's metadata names (Square merchantId, Shopify shop), if its provider declares one. */
export function connectionAccountKey(
  spec: WebhookSpec,
  metadata: Readonly<Record<string, unknown>>,
): string | undefined {
  const field = spec.accountKey?.metadataField;
  const value = field === undefined ? undefined : metadata[field];
  return typeof value === 'string' && value.trim() !== '' && value.length <= MAX_ID_LENGTH ? value.trim() : undefined;
}

/** Value at a dotted path (`data.0.id`) in parsed JSON, own properties only. */
export function valueAtPath(root: unknown, path: string): unknown {
  let current: unknown = root;
  for (const segment of path.split('.')) {
    if (typeof current !== 'object' || current === null || !Object.hasOwn(current, segment)) return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}

function readRaw(location: ValueLocation, headers: WebhookHeaders, body: Record<string, unknown>): unknown {
  if (location.in === 'body') return valueAtPath(body, location.path);
  const header = readHeader(headers, location.name);
  return header.state === 'value' ? header.value : undefined;
}

function readString(
  location: ValueLocation,
  headers: WebhookHeaders,
  body: Record<string, unknown>,
): string | undefined {
  const value = readRaw(location, headers, body);
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

function readTime(
  location: NonNullable<WebhookSpec['timestamp']>,
  headers: WebhookHeaders,
  body: Record<string, unknown>,
): Date | undefined {
  const value = readRaw(location, headers, body);
  let ms: number | undefined;
  if (location.format === 'rfc3339' && typeof value === 'string') ms = Date.parse(value);
  if (location.format === 'epoch-ms' && (typeof value === 'number' || typeof value === 'string')) ms = Number(value);
  if (location.format === 'unix-seconds' && (typeof value === 'number' || typeof value === 'string'))
    ms = Number(value) * 1000;
  return ms !== undefined && Number.isFinite(ms) && Math.abs(ms) <= 8.64e15 ? new Date(ms) : undefined;
}
