import { canonicalQuantity, decimalToMinorUnits, type CanonicalMoney } from '@shelflink/providers';
import type { CanonicalRecord } from './puller.port.js';

/** A SuiteQL row: every value a string, null columns left out. */
export type SuiteQlRow = Readonly<Record<string, string | undefined>>;

const text = (value: string | undefined): string | null => (value === undefined || value === '' ? null : value);
const version = (lastModified: string | undefined): string => String(Date.parse(lastModified ?? '') || 0);
const money = (amount: string | undefined, currency: string): CanonicalMoney | null =>
  text(amount) === null ? null : decimalToMinorUnits(String(amount), currency);
// NetSuite flags are 'T'/'F'.
const inactive = (row: SuiteQlRow): boolean => row.isinactive === 'T';

export function netsuiteLocation(row: SuiteQlRow): CanonicalRecord {
  return {
    externalId: String(row.id),
    sourceVersion: version(row.lastmodified),
    sourceUpdatedAt: text(row.lastmodified),
    deleted: inactive(row),
    columns: { name: text(row.name) },
    data: { name: text(row.name), fullName: text(row.fullname) },
  };
}

/** An item is a product with one variant: SKU from `itemid`, GTIN from `upccode`. */
export function netsuiteItem(row: SuiteQlRow, currency: string): CanonicalRecord {
  const title = text(row.displayname) ?? text(row.itemid);
  return {
    externalId: String(row.id),
    sourceVersion: version(row.lastmodified),
    sourceUpdatedAt: text(row.lastmodified),
    deleted: inactive(row),
    columns: { title },
    data: {
      title,
      // Item-level SKU and GTIN as well: product identity links NetSuite items by them.
      sku: text(row.itemid),
      gtin: text(row.upccode),
      itemType: text(row.itemtype),
      variants: [
        {
          externalId: String(row.id),
          title,
          sku: text(row.itemid),
          gtin: text(row.upccode),
          price: money(row.baseprice, currency),
        },
      ],
    },
  };
}

/** One item at one location; the table has no modification date, so the newest fetch wins (version 0). */
export function netsuiteInventory(row: SuiteQlRow): CanonicalRecord {
  const item = String(row.item);
  const location = String(row.location);
  const quantity = canonicalQuantity(row.quantityavailable ?? '0');
  return {
    externalId: `${item}:${location}`,
    sourceVersion: '0',
    sourceUpdatedAt: null,
    deleted: false,
    columns: { item_external_id: item, location_external_id: location, quantity },
    data: {
      itemExternalId: item,
      locationExternalId: location,
      quantity,
      onHand: canonicalQuantity(row.quantityonhand ?? '0'),
      committed: canonicalQuantity(row.quantitycommitted ?? '0'),
    },
  };
}

// Sales orders: B pending fulfillment, G billed, C cancelled (cash sales are paid when entered).
const ORDER_STATES: Readonly<Record<string, Record<string, string>>> = {
  SalesOrd: { B: 'OPEN', G: 'COMPLETED', C: 'CANCELED' },
  CashSale: { C: 'COMPLETED' },
};

/**
 * A sales order or cash sale with its item lines. NetSuite stores sales lines as negative quantities and amounts
 * (stock leaves); the canonical order has them positive.
 */
export function netsuiteOrder(header: SuiteQlRow, lines: readonly SuiteQlRow[], currency: string): CanonicalRecord {
  const type = String(header.type);
  const total = money(header.foreigntotal, currency);
  const state = ORDER_STATES[type]?.[String(header.status)] ?? text(header.status);
  return {
    externalId: String(header.id),
    sourceVersion: version(header.lastmodified),
    sourceUpdatedAt: text(header.lastmodified),
    deleted: false,
    columns: {
      location_external_id: text(header.location),
      state,
      currency: total?.currency ?? null,
      total_minor: total?.amountMinor ?? null,
    },
    data: {
      reference: text(header.tranid),
      type,
      state,
      createdAt: text(header.created),
      updatedAt: text(header.lastmodified),
      customerExternalId: text(header.entity),
      total,
      lineItems: lines.map((line) => ({
        externalId: `${String(header.id)}:${String(line.id)}`,
        variantExternalId: text(line.item),
        title: null,
        quantity: canonicalQuantity(negated(line.quantity ?? '0')),
        unitPrice: money(line.rate, currency),
        total: money(negated(line.netamount ?? '0'), currency),
      })),
    },
  };
}

const negated = (decimal: string): string => (decimal.startsWith('-') ? decimal.slice(1) : `-${decimal}`);
