import type { CanonicalRecord } from './puller.port.js';

type Json = Record<string, unknown>;

const str = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);
const obj = (value: unknown): Json => (typeof value === 'object' && value !== null ? (value as Json) : {});

/**
 * A Plytix product: one variant carrying its SKU and GTIN; custom attributes (stock and price among them, in
 * Plytix's own units) kept as they are. Plytix has no deletions feed, so a product is never marked deleted.
 */
export function plytixProduct(raw: Json): CanonicalRecord {
  const title = str(raw.label) ?? str(raw.sku);
  const modified = str(raw.modified);
  const assets = Array.isArray(raw.assets) ? (raw.assets as Json[]).map((a) => str(a.id)) : [];
  return {
    externalId: String(raw.id),
    sourceVersion: String(Date.parse(modified ?? '') || 0),
    sourceUpdatedAt: modified,
    deleted: false,
    columns: { title },
    data: {
      title,
      // Item-level SKU and GTIN as well: product identity links Plytix products by them.
      sku: str(raw.sku),
      gtin: str(raw.gtin),
      status: str(raw.status),
      attributes: obj(raw.attributes),
      assetExternalIds: assets,
      variants: [{ externalId: String(raw.id), title, sku: str(raw.sku), gtin: str(raw.gtin), price: null }],
    },
  };
}
