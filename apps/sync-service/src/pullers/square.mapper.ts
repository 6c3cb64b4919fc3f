import { canonicalQuantity, squareMoneyToCanonical, type CanonicalMoney } from '@shelflink/providers';
import type { CanonicalRecord } from './puller.port.js';

type Json = Record<string, unknown>;
type SquareMoney = { amount: number; currency: string };

const obj = (value: unknown): Json => (typeof value === 'object' && value !== null ? (value as Json) : {});
const str = (value: unknown): string | null => (typeof value === 'string' ? value : null);
// Square sends versions as integers and quantities as decimal strings; anything else counts as missing.
const scalar = (value: unknown, fallback: string): string =>
  typeof value === 'number' || typeof value === 'string' ? String(value) : fallback;
const money = (value: unknown): CanonicalMoney | null =>
  typeof obj(value).amount === 'number' ? squareMoneyToCanonical(value as SquareMoney) : null;

export function squareLocation(raw: Json): CanonicalRecord {
  return {
    externalId: String(raw.id),
    // Square locations carry no version or updated_at: the newest fetch wins (same-version rule).
    sourceVersion: '0',
    sourceUpdatedAt: null,
    deleted: raw.status === 'INACTIVE',
    columns: { name: str(raw.name) },
    data: {
      name: raw.name,
      address: raw.address ?? null,
      timezone: raw.timezone ?? null,
      currency: raw.currency ?? null,
      status: raw.status ?? null,
    },
  };
}

export function squareItem(raw: Json): CanonicalRecord {
  const item = obj(raw.item_data);
  const variations = Array.isArray(item.variations) ? (item.variations as Json[]) : [];
  return {
    externalId: String(raw.id),
    sourceVersion: scalar(raw.version, String(Date.parse(str(raw.updated_at) ?? ''))),
    sourceUpdatedAt: str(raw.updated_at),
    deleted: raw.is_deleted === true,
    columns: { title: str(item.name) },
    data: {
      title: item.name ?? null,
      description: item.description ?? null,
      variants: variations.map((variation) => {
        const v = obj(variation.item_variation_data);
        return {
          externalId: variation.id,
          title: v.name ?? null,
          sku: v.sku ?? null,
          gtin: v.upc ?? null,
          price: money(v.price_money),
        };
      }),
    },
  };
}

export function squareCount(raw: Json): CanonicalRecord {
  const item = String(raw.catalog_object_id);
  const location = String(raw.location_id);
  const quantity = canonicalQuantity(scalar(raw.quantity, '0'));
  return {
    externalId: `${item}:${location}`,
    sourceVersion: String(Date.parse(String(raw.calculated_at))),
    sourceUpdatedAt: str(raw.calculated_at),
    deleted: false,
    columns: { item_external_id: item, location_external_id: location, quantity },
    data: { itemExternalId: item, locationExternalId: location, state: raw.state ?? null, quantity },
  };
}

export function squareOrder(raw: Json): CanonicalRecord {
  const total = money(raw.total_money);
  const lines = Array.isArray(raw.line_items) ? (raw.line_items as Json[]) : [];
  return {
    externalId: String(raw.id),
    sourceVersion: scalar(raw.version, '0'),
    sourceUpdatedAt: str(raw.updated_at),
    deleted: false,
    columns: {
      location_external_id: str(raw.location_id),
      state: str(raw.state),
      currency: total?.currency ?? null,
      total_minor: total?.amountMinor ?? null,
    },
    data: {
      reference: raw.reference_id ?? null,
      state: raw.state ?? null,
      createdAt: raw.created_at ?? null,
      updatedAt: raw.updated_at ?? null,
      total,
      lineItems: lines.map((line) => ({
        externalId: line.uid ?? null,
        variantExternalId: line.catalog_object_id ?? null,
        title: line.name ?? null,
        quantity: canonicalQuantity(scalar(line.quantity, '0')),
        unitPrice: money(line.base_price_money),
        total: money(line.total_money),
      })),
    },
  };
}
