import type { CanonicalStream } from '../canonical-stream.js';

/**
 * A provider item mapped to a canonical record by configuration alone (a provider declared in the providers config).
 * Paths are dotted item fields.
 */
export interface RecordMappingSpec {
  /** The record's id: one item field, or a template of fields such as `{sku}:{warehouse_id}`. */
  readonly externalId: string;
  /** Last-modified time (ISO 8601); it versions the record unless `version` names an integer field. */
  readonly updatedAt?: string;
  readonly version?: string;
  /** The item is a deletion when this field equals this value. */
  readonly deletedWhen?: { readonly field: string; readonly equals: string | number | boolean };
  /** Canonical field → item field. */
  readonly fields: Readonly<Record<string, string>>;
}

/** How a canonical field is stored: in a typed column too, and as what. */
export interface CanonicalFieldSpec {
  readonly column?: string;
  readonly kind: 'text' | 'quantity' | 'integer';
  readonly required?: boolean;
}

/** The canonical fields of each stream a mapping may fill; others it names are kept in the record's data as given. */
export const CANONICAL_FIELDS: Readonly<Record<CanonicalStream, Readonly<Record<string, CanonicalFieldSpec>>>> = {
  locations: { name: { column: 'name', kind: 'text' } },
  products: { title: { column: 'title', kind: 'text' } },
  inventory: {
    itemExternalId: { column: 'item_external_id', kind: 'text', required: true },
    locationExternalId: { column: 'location_external_id', kind: 'text', required: true },
    quantity: { column: 'quantity', kind: 'quantity', required: true },
  },
  orders: {
    locationExternalId: { column: 'location_external_id', kind: 'text' },
    state: { column: 'state', kind: 'text' },
    currency: { column: 'currency', kind: 'text' },
    totalMinor: { column: 'total_minor', kind: 'integer' },
  },
};
