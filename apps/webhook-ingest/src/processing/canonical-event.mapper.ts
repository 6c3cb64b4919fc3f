import type { CanonicalEventKind, CanonicalEventPayload } from '@shelflink/contracts';
import { parseJsonPreservingBigInts } from '@shelflink/providers';

/** A verified event whose content cannot be turned into a canonical event; retrying will not help (poison). */
export class CanonicalMappingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CanonicalMappingError';
  }
}

/** What the mapper needs from a stored event. */
export interface MappableEvent {
  tenantId: string;
  connectionId: string;
  provider: string;
  eventType: string;
  rawBody: Buffer;
}

type Json = Record<string, unknown>;
type Mapped = Pick<
  CanonicalEventPayload,
  'kind' | 'externalId' | 'sourceVersion' | 'sourceUpdatedAt' | 'needsFetch' | 'data'
>;

const SQUARE_KINDS: Record<string, CanonicalEventKind> = {
  order: 'order.changed',
  payment: 'payment.created',
  refund: 'refund.created',
  inventory: 'inventory.changed',
  catalog: 'product.changed',
  location: 'location.changed',
};

const SHOPIFY_KINDS: Record<string, CanonicalEventKind> = {
  orders: 'order.changed',
  refunds: 'refund.created',
  inventory_levels: 'inventory.changed',
  inventory_items: 'inventory.changed',
  products: 'product.changed',
  locations: 'location.changed',
};

/** Turns a stored, verified webhook into the provider-independent payload sync-service consumes. */
export function toCanonicalEvent(event: MappableEvent): CanonicalEventPayload {
  const body = parseBody(event.rawBody);
  const mapped = mapByProvider(event.provider, event.eventType, body);
  return {
    tenantId: event.tenantId,
    connectionId: event.connectionId,
    provider: event.provider,
    providerEventType: event.eventType,
    ...mapped,
  };
}

function mapByProvider(provider: string, eventType: string, body: Json): Mapped {
  if (provider === 'square') return mapSquare(eventType, body);
  if (provider === 'shopify') return mapShopify(eventType, body);
  return { kind: 'other', needsFetch: false, data: body };
}

/** Square envelopes: `data.id` names the record; order events carry only id, version and state, so sync fetches. */
function mapSquare(type: string, body: Json): Mapped {
  if (type === 'oauth.authorization.revoked') return { kind: 'app.uninstalled', needsFetch: false };
  const data = asObject(body.data);
  const [domain = '', action = ''] = type.split('.');
  const kind = type === 'payment.updated' ? 'payment.updated' : SQUARE_KINDS[domain];
  if (!kind) return { kind: 'other', needsFetch: false, data: body };
  const externalId = data?.id;
  if (typeof externalId !== 'string' || externalId === '')
    throw new CanonicalMappingError(`square ${type} without data.id`);
  const object = asObject(data?.object) ?? {};
  if (domain === 'order') {
    const summary =
      asObject(object.order_updated) ??
      asObject(object.order_created) ??
      asObject(object.order_fulfillment_updated) ??
      {};
    return { kind, externalId, needsFetch: true, ...version(summary.version), ...updatedAt(summary.updated_at) };
  }
  const record = asObject(object[domain]) ?? object;
  return {
    kind,
    externalId,
    needsFetch: action === '' || Object.keys(record).length === 0,
    data: record,
    ...version(record.version),
    ...updatedAt(record.updated_at),
  };
}

/** Shopify topics `resource/action`: the body is the resource itself (64-bit ids kept as strings). */
function mapShopify(topic: string, body: Json): Mapped {
  if (topic === 'app/uninstalled') return { kind: 'app.uninstalled', needsFetch: false };
  const [resource = ''] = topic.split('/');
  const kind = SHOPIFY_KINDS[resource];
  if (!kind) return { kind: 'other', needsFetch: false, data: body };
  const id = resource === 'inventory_levels' ? body.inventory_item_id : body.id;
  if (typeof id !== 'string' && typeof id !== 'number')
    throw new CanonicalMappingError(`shopify ${topic} without an id`);
  return { kind, externalId: String(id), needsFetch: false, data: body, ...updatedAt(body.updated_at) };
}

// One decoder for every event: without `stream`, each decode starts afresh, even after one that threw.
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

function parseBody(rawBody: Buffer): Json {
  let parsed: unknown;
  try {
    parsed = parseJsonPreservingBigInts(strictUtf8.decode(rawBody));
  } catch {
    throw new CanonicalMappingError('body is not UTF-8 JSON');
  }
  const body = asObject(parsed);
  if (!body) throw new CanonicalMappingError('body is not a JSON object');
  return body;
}

function asObject(value: unknown): Json | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : undefined;
}

function version(value: unknown): { sourceVersion?: string } {
  return typeof value === 'number' || (typeof value === 'string' && value !== '')
    ? { sourceVersion: String(value) }
    : {};
}

function updatedAt(value: unknown): { sourceUpdatedAt?: string } {
  if (typeof value !== 'string') return {};
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? { sourceUpdatedAt: new Date(ms).toISOString() } : {};
}
