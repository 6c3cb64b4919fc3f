import { normalizeGtin, normalizeSku } from './product-key.js';

/** A changed product record as the identity links it: its row id, provider id, and canonical data. */
export interface LinkedProduct {
  recordId: string;
  externalId: string;
  /** Inserted by this batch: a new record id, so no source is linked to it yet. */
  created?: boolean;
  deleted: boolean;
  data: Record<string, unknown>;
}

/** One SKU/GTIN carrier of a product record: a variant, or the product itself (`variantKey` ''). */
export interface ProductKeySource {
  recordId: string;
  productExternalId: string;
  variantKey: string;
  externalId: string;
  sku: string | null;
  gtin: string | null;
}

type Json = Record<string, unknown>;
const obj = (value: unknown): Json => (typeof value === 'object' && value !== null ? (value as Json) : {});
const idOf = (value: unknown): string | null =>
  typeof value === 'string' || typeof value === 'number' ? String(value) : null;

/**
 * The carriers of a canonical product: each variant in `data.variants` (`externalId`, `sku`, `gtin`); the product
 * itself (top-level `data.sku` / `data.gtin`, an ERP's item) only when no variant carries a key, so a mapper that
 * writes an item's keys both ways links it once. Carriers with neither a SKU nor a valid GTIN link nothing; a deleted
 * product has none.
 */
export function productKeySources(product: LinkedProduct): ProductKeySource[] {
  if (product.deleted) return [];
  const sources = new Map<string, ProductKeySource>();
  const add = (variantKey: string, externalId: string, carrier: Json) => {
    const sku = normalizeSku(carrier.sku);
    const gtin = normalizeGtin(carrier.gtin);
    if (sku === null && gtin === null) return;
    const { recordId, externalId: productExternalId } = product;
    sources.set(variantKey, { recordId, productExternalId, variantKey, externalId, sku, gtin });
  };
  const variants = Array.isArray(product.data.variants) ? (product.data.variants as unknown[]) : [];
  for (const variant of variants) {
    const id = idOf(obj(variant).externalId);
    if (id !== null && id !== '') add(id, id, obj(variant));
  }
  if (sources.size === 0) add('', product.externalId, product.data);
  return [...sources.values()];
}
