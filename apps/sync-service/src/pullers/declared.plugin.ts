import type { RecordEntity } from '@shelflink/contracts';
import {
  CANONICAL_FIELDS,
  canonicalQuantity,
  valueAt,
  type ProviderDefinition,
  type RecordMappingSpec,
} from '@shelflink/providers';
import { SyncError } from '../provider/provider.errors.js';
import type { CanonicalRecord } from './puller.port.js';
import type { PullerPlugin, RecordMapper } from './puller-plugin.js';

type Json = Record<string, unknown>;

/**
 * The plugin of a provider declared in the providers config: each stream that declares a `mapping` is pulled with it.
 * Undefined for built-in providers (their plugins are code) and for declared ones with nothing to pull.
 */
export function declaredPlugin(key: string, definition: ProviderDefinition | undefined): PullerPlugin | undefined {
  if (!definition || definition.kind === 'catalog') return undefined;
  const mappers: Partial<Record<RecordEntity, RecordMapper>> = {};
  for (const [entity, spec] of Object.entries(definition.streams) as [RecordEntity, { mapping?: RecordMappingSpec }][])
    if (spec.mapping) mappers[entity] = declaredMapper(entity, spec.mapping);
  return Object.keys(mappers).length === 0 ? undefined : { provider: key, mappers };
}

/** Maps an item by its declared fields: typed columns for the canonical ones, everything named kept in `data`. */
export function declaredMapper(entity: RecordEntity, mapping: RecordMappingSpec): RecordMapper {
  const canonical = CANONICAL_FIELDS[entity];
  const externalId = idReader(mapping.externalId);
  return (item) => {
    const id = externalId(item);
    if (id === null) throw new SyncError('MALFORMED_RESPONSE', `an item has no ${mapping.externalId}`);
    const updatedAt = mapping.updatedAt === undefined ? null : text(valueAt(item, mapping.updatedAt));
    const columns: CanonicalRecord['columns'] = {};
    const data: Json = {};
    for (const [field, path] of Object.entries(mapping.fields)) {
      const spec = canonical[field];
      const value = spec ? typed(spec.kind, valueAt(item, path)) : (valueAt(item, path) ?? null);
      data[field] = value;
      if (spec?.column) columns[spec.column] = value as string | null;
    }
    return {
      externalId: id,
      sourceVersion: versionOf(mapping, item, updatedAt),
      sourceUpdatedAt: updatedAt,
      deleted:
        mapping.deletedWhen !== undefined && valueAt(item, mapping.deletedWhen.field) === mapping.deletedWhen.equals,
      columns,
      data,
    };
  };
}

// `{sku}:{warehouse_id}` joins fields; a plain name is one field.
function idReader(template: string): (item: Json) => string | null {
  if (!template.includes('{')) return (item) => text(valueAt(item, template));
  const parts = template.split(/(\{[^}]+\})/).filter((part) => part !== '');
  return (item) => {
    let id = '';
    for (const part of parts) {
      const value = part.startsWith('{') ? text(valueAt(item, part.slice(1, -1))) : part;
      if (value === null) return null;
      id += value;
    }
    return id;
  };
}

function versionOf(mapping: RecordMappingSpec, item: Json, updatedAt: string | null): string {
  const version = mapping.version === undefined ? undefined : valueAt(item, mapping.version);
  if (typeof version === 'number' && Number.isInteger(version)) return String(version);
  if (typeof version === 'string' && /^\d{1,18}$/.test(version)) return version;
  // Without a version the last-modified time orders the record's states, as for Shopify.
  const ms = updatedAt === null ? Number.NaN : Date.parse(updatedAt);
  return Number.isNaN(ms) ? '0' : String(ms);
}

function typed(kind: 'text' | 'quantity' | 'integer', value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (kind === 'quantity' && (typeof value === 'number' || typeof value === 'string')) return canonicalQuantity(value);
  const plain = text(value);
  if (kind === 'integer') return plain !== null && /^-?\d{1,18}$/.test(plain) ? plain : null;
  return plain;
}

function text(value: unknown): string | null {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'bigint' ? String(value) : null;
}
