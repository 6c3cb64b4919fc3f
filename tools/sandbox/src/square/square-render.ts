import { variantName, type AccountDataset, type ProductModel } from '../dataset/dataset.js';
import { opaqueId, parseOpaqueId } from '../util/ids.js';
import { isoUtc } from '../util/time.js';

/** What rendering one merchant's records needs. */
export interface SquareContext {
  readonly merchantId: string;
  readonly tag: number;
  readonly data: AccountDataset;
}

const CURRENCY = 'USD';
const money = (amount: number): { amount: number; currency: string } => ({ amount, currency: CURRENCY });

export const squareIds = {
  location: (ctx: SquareContext, k: number): string => opaqueId('L', ctx.tag, k),
  item: (ctx: SquareContext, i: number): string => opaqueId('I', ctx.tag, i),
  variation: (ctx: SquareContext, g: number): string => opaqueId('V', ctx.tag, g),
  order: (ctx: SquareContext, i: number): string => opaqueId('ORD', ctx.tag, i),
  parseLocation: (ctx: SquareContext, id: string): number | undefined =>
    inRange(parseOpaqueId('L', ctx.tag, id), ctx.data.options.locations),
  parseItem: (ctx: SquareContext, id: string): number | undefined =>
    inRange(parseOpaqueId('I', ctx.tag, id), ctx.data.options.products),
  parseVariation: (ctx: SquareContext, id: string): number | undefined =>
    inRange(parseOpaqueId('V', ctx.tag, id), ctx.data.variantTotal),
  parseOrder: (ctx: SquareContext, id: string): number | undefined =>
    inRange(parseOpaqueId('ORD', ctx.tag, id), ctx.data.orderCount),
};

function inRange(index: number | undefined, size: number): number | undefined {
  return index !== undefined && index < size ? index : undefined;
}

export function renderLocation(ctx: SquareContext, k: number): object {
  const l = ctx.data.location(k);
  return {
    id: squareIds.location(ctx, k),
    name: l.name,
    address: {
      address_line_1: l.street,
      locality: l.city,
      administrative_district_level_1: l.region,
      postal_code: l.postalCode,
      country: 'US',
    },
    timezone: 'America/Chicago',
    capabilities: ['CREDIT_CARD_PROCESSING'],
    status: 'ACTIVE',
    created_at: isoUtc(l.createdAt),
    merchant_id: ctx.merchantId,
    country: 'US',
    language_code: 'en-US',
    currency: CURRENCY,
    business_name: `Sandbox Merchant ${ctx.merchantId}`,
    type: 'PHYSICAL',
  };
}

export function renderVariation(ctx: SquareContext, product: ProductModel, v: number): object {
  const variant = product.variants[v];
  return {
    type: 'ITEM_VARIATION',
    id: squareIds.variation(ctx, variant?.globalIndex ?? 0),
    updated_at: isoUtc(product.updatedAt),
    version: product.updatedAt,
    is_deleted: false,
    present_at_all_locations: true,
    item_variation_data: {
      item_id: squareIds.item(ctx, product.index),
      name: variant?.name,
      sku: variant?.sku,
      upc: variant?.gtin,
      ordinal: v,
      pricing_type: 'FIXED_PRICING',
      price_money: money(variant?.priceCents ?? 0),
      track_inventory: true,
    },
  };
}

export function renderItem(ctx: SquareContext, product: ProductModel): object {
  return {
    type: 'ITEM',
    id: squareIds.item(ctx, product.index),
    updated_at: isoUtc(product.updatedAt),
    created_at: isoUtc(product.createdAt),
    version: product.updatedAt,
    is_deleted: false,
    present_at_all_locations: true,
    item_data: {
      name: product.name,
      description: `${product.name} by ${product.vendor}`,
      product_type: 'REGULAR',
      variations: product.variants.map((_, v) => renderVariation(ctx, product, v)),
    },
  };
}

export function renderCount(ctx: SquareContext, product: ProductModel, v: number, k: number): object {
  return {
    catalog_object_id: squareIds.variation(ctx, product.variants[v]?.globalIndex ?? 0),
    catalog_object_type: 'ITEM_VARIATION',
    state: 'IN_STOCK',
    location_id: squareIds.location(ctx, k),
    quantity: String(ctx.data.inventory(product.index, v, k)),
    calculated_at: isoUtc(product.updatedAt),
  };
}

export function renderOrder(ctx: SquareContext, i: number): object {
  const o = ctx.data.order(i);
  const orderId = squareIds.order(ctx, i);
  // Only the line's names and variation id are needed: building whole products per line dominated a page's render.
  const lineItems = o.lines.map((line) => {
    const gross = line.quantity * line.unitPriceCents;
    return {
      uid: `${orderId.slice(-8)}-${line.lineIndex}`,
      name: ctx.data.productName(line.productIndex),
      quantity: String(line.quantity),
      catalog_object_id: squareIds.variation(ctx, ctx.data.variantGlobalIndex(line.productIndex, line.variantIndex)),
      variation_name: variantName(line.variantIndex),
      base_price_money: money(line.unitPriceCents),
      variation_total_price_money: money(gross),
      gross_sales_money: money(gross),
      total_discount_money: money(0),
      total_tax_money: money(0),
      total_money: money(gross),
    };
  });
  const zero = money(0);
  return {
    id: orderId,
    location_id: squareIds.location(ctx, o.locationIndex),
    reference_id: `sandbox-${i + 1}`,
    source: { name: 'Sandbox POS' },
    customer_id: opaqueId('C', ctx.tag, o.customerIndex),
    state: o.state,
    version: o.version,
    created_at: isoUtc(o.createdAt),
    updated_at: isoUtc(o.updatedAt),
    ...(o.state === 'OPEN' ? {} : { closed_at: isoUtc(o.updatedAt) }),
    line_items: lineItems,
    total_money: money(o.totalCents),
    total_tax_money: zero,
    total_discount_money: zero,
    total_tip_money: zero,
    total_service_charge_money: zero,
    net_amounts: {
      total_money: money(o.totalCents),
      tax_money: zero,
      discount_money: zero,
      tip_money: zero,
      service_charge_money: zero,
    },
  };
}
