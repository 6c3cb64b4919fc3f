import { canonicalQuantity, decimalToMinorUnits, type CanonicalMoney } from '@shelflink/providers';
import type { CanonicalRecord } from './puller.port.js';

type Json = Record<string, unknown>;

const str = (value: unknown): string | null => (typeof value === 'string' ? value : null);
// Ids arrive as strings (parsed with every id-like key kept as text), so 64-bit ids stay intact.
const id = (value: unknown): string | null =>
  typeof value === 'string' || typeof value === 'number' || typeof value === 'bigint' ? String(value) : null;
const version = (updatedAt: unknown): string => String(Date.parse(String(updatedAt)));
const money = (amount: unknown, currency: string): CanonicalMoney | null =>
  typeof amount === 'string' ? decimalToMinorUnits(amount, currency) : null;

export function shopifyLocation(raw: Json): CanonicalRecord {
  return {
    externalId: String(raw.id),
    sourceVersion: version(raw.updated_at),
    sourceUpdatedAt: str(raw.updated_at),
    deleted: raw.active === false,
    columns: { name: str(raw.name) },
    data: {
      name: raw.name ?? null,
      address: {
        line1: raw.address1 ?? null,
        city: raw.city ?? null,
        region: raw.province ?? null,
        postalCode: raw.zip ?? null,
        country: raw.country_code ?? null,
      },
      gid: raw.admin_graphql_api_id ?? null,
    },
  };
}

export function shopifyProduct(raw: Json, currency: string): CanonicalRecord {
  const variants = Array.isArray(raw.variants) ? (raw.variants as Json[]) : [];
  return {
    externalId: String(raw.id),
    sourceVersion: version(raw.updated_at),
    sourceUpdatedAt: str(raw.updated_at),
    deleted: raw.status === 'archived',
    columns: { title: str(raw.title) },
    data: {
      title: raw.title ?? null,
      vendor: raw.vendor ?? null,
      status: raw.status ?? null,
      gid: raw.admin_graphql_api_id ?? null,
      variants: variants.map((v) => ({
        externalId: id(v.id),
        inventoryItemExternalId: id(v.inventory_item_id),
        title: v.title ?? null,
        sku: v.sku ?? null,
        gtin: v.barcode ?? null,
        price: money(v.price, currency),
      })),
    },
  };
}

export function shopifyInventoryLevel(raw: Json): CanonicalRecord {
  const item = String(raw.inventory_item_id);
  const location = String(raw.location_id);
  const quantity = canonicalQuantity(
    typeof raw.available === 'number' || typeof raw.available === 'string' ? raw.available : 0,
  );
  return {
    externalId: `${item}:${location}`,
    sourceVersion: version(raw.updated_at),
    sourceUpdatedAt: str(raw.updated_at),
    deleted: false,
    columns: { item_external_id: item, location_external_id: location, quantity },
    data: { itemExternalId: item, locationExternalId: location, quantity },
  };
}

function orderState(raw: Json): string {
  if (raw.cancelled_at) return 'CANCELED';
  return raw.closed_at ? 'COMPLETED' : 'OPEN';
}

export function shopifyOrder(raw: Json): CanonicalRecord {
  const currency = str(raw.currency) ?? 'USD';
  const total = money(raw.total_price, currency);
  const lines = Array.isArray(raw.line_items) ? (raw.line_items as Json[]) : [];
  return {
    externalId: String(raw.id),
    sourceVersion: version(raw.updated_at),
    sourceUpdatedAt: str(raw.updated_at),
    deleted: false,
    columns: {
      location_external_id: id(raw.location_id),
      state: orderState(raw),
      currency: total?.currency ?? currency,
      total_minor: total?.amountMinor ?? null,
    },
    data: {
      name: raw.name ?? null,
      state: orderState(raw),
      financialStatus: raw.financial_status ?? null,
      gid: raw.admin_graphql_api_id ?? null,
      createdAt: raw.created_at ?? null,
      updatedAt: raw.updated_at ?? null,
      total,
      lineItems: lines.map((line) => ({
        externalId: id(line.id),
        productExternalId: id(line.product_id),
        variantExternalId: id(line.variant_id),
        sku: line.sku ?? null,
        title: line.title ?? null,
        quantity: canonicalQuantity(typeof line.quantity === 'number' ? line.quantity : 0),
        unitPrice: money(line.price, currency),
      })),
    },
  };
}
