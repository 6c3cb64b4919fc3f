import type { AccountDataset, ProductModel } from '../dataset/dataset.js';
import { isoWithOffset } from '../util/time.js';

/** What rendering one shop's records needs. */
export interface ShopContext {
  readonly shop: string;
  readonly offsetMinutes: number;
  readonly data: AccountDataset;
}

const TWO_53 = 2n ** 53n;
const LOCATION_BASE = 655_441_491;

/**
 * Shopify ids are 64-bit. Each kind's ids straddle 2^53 (half the records above it), so a client that parses them
 * as JS numbers collides ids and fails set-equality checks.
 */
export function bigId(count: number, index: number): bigint {
  return TWO_53 - BigInt(Math.floor(count / 2)) + BigInt(index);
}

/** Inverse of bigId; undefined when out of range (`size` records exist: more than `count` once orders are created). */
export function indexOfBigId(count: number, id: string, size = count): number | undefined {
  if (!/^\d{1,20}$/.test(id)) return undefined;
  const index = BigInt(id) - bigId(count, 0);
  return index >= 0n && index < BigInt(size) ? Number(index) : undefined;
}

export const locationIdOf = (k: number): number => LOCATION_BASE + k;
export const locationIndexOf = (id: string, count: number): number | undefined => {
  const k = Number(id) - LOCATION_BASE;
  return Number.isInteger(k) && k >= 0 && k < count ? k : undefined;
};

/** Decimal string from minor units without floating point (`1999` → `"19.99"`). */
export function decimal(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

const moneySet = (cents: number): object => ({
  shop_money: { amount: decimal(cents), currency_code: 'USD' },
  presentment_money: { amount: decimal(cents), currency_code: 'USD' },
});

const time = (ctx: ShopContext, ms: number): string => isoWithOffset(ms, ctx.offsetMinutes);

/** The shop resource (shop.json, and the body of app/uninstalled). */
export function renderShop(ctx: ShopContext): object {
  return {
    id: 548380009,
    name: ctx.shop.replace(/\.myshopify\.com$/, ''),
    email: `owner@${ctx.shop}`,
    domain: ctx.shop,
    myshopify_domain: ctx.shop,
    currency: 'USD',
    timezone: `(GMT${isoWithOffset(0, ctx.offsetMinutes).slice(-6)}) Sandbox`,
    plan_name: 'basic',
    created_at: isoWithOffset(ctx.data.options.anchor - 400 * 86_400_000, ctx.offsetMinutes),
  };
}

export function renderShopLocation(ctx: ShopContext, k: number): object {
  const l = ctx.data.location(k);
  const id = locationIdOf(k);
  return {
    id,
    name: l.name,
    address1: l.street,
    address2: null,
    city: l.city,
    zip: l.postalCode,
    province: l.region,
    country: 'US',
    phone: null,
    created_at: time(ctx, l.createdAt),
    updated_at: time(ctx, l.createdAt),
    country_code: 'US',
    country_name: 'United States',
    province_code: l.region,
    legacy: false,
    active: true,
    admin_graphql_api_id: `gid://shopify/Location/${id}`,
  };
}

export function renderProduct(ctx: ShopContext, product: ProductModel): object {
  const data = ctx.data;
  const id = bigId(data.options.products, product.index);
  return {
    id,
    title: product.name,
    body_html: `<p>${product.name} by ${product.vendor}</p>`,
    vendor: product.vendor,
    product_type: 'Goods',
    created_at: time(ctx, product.createdAt),
    handle: product.name.toLowerCase().replaceAll(' ', '-'),
    updated_at: time(ctx, product.updatedAt),
    published_at: time(ctx, product.createdAt),
    status: 'active',
    tags: '',
    admin_graphql_api_id: `gid://shopify/Product/${id}`,
    variants: product.variants.map((v) => {
      const variantId = bigId(data.variantTotal, v.globalIndex);
      const itemId = inventoryItemId(data, v.globalIndex);
      let stock = 0;
      for (let k = 0; k < data.options.locations; k++) stock += data.inventory(product.index, v.index, k);
      return {
        id: variantId,
        product_id: id,
        title: v.name,
        price: decimal(v.priceCents),
        sku: v.sku,
        barcode: v.gtin,
        position: v.index + 1,
        inventory_policy: 'deny',
        compare_at_price: null,
        option1: v.name,
        created_at: time(ctx, product.createdAt),
        updated_at: time(ctx, product.updatedAt),
        taxable: true,
        inventory_item_id: itemId,
        inventory_quantity: stock,
        admin_graphql_api_id: `gid://shopify/ProductVariant/${variantId}`,
      };
    }),
    options: [{ name: 'Size', position: 1, values: product.variants.map((v) => v.name) }],
  };
}

/** Inventory item ids sit 10^12 above the variant ids (both 64-bit). */
export function inventoryItemId(data: AccountDataset, globalVariant: number): bigint {
  return bigId(data.variantTotal, globalVariant) + 1_000_000_000_000n;
}

export function inventoryItemIndex(data: AccountDataset, id: string): number | undefined {
  if (!/^\d{1,20}$/.test(id)) return undefined;
  return indexOfBigId(data.variantTotal, (BigInt(id) - 1_000_000_000_000n).toString());
}

export function renderInventoryLevel(ctx: ShopContext, globalVariant: number, k: number): object {
  const owner = ctx.data.variantOwner(globalVariant) ?? { productIndex: 0, variantIndex: 0 };
  const itemId = inventoryItemId(ctx.data, globalVariant);
  return {
    inventory_item_id: itemId,
    location_id: locationIdOf(k),
    available: ctx.data.inventory(owner.productIndex, owner.variantIndex, k),
    updated_at: time(ctx, ctx.data.productTimeline.time(owner.productIndex)),
    admin_graphql_api_id: `gid://shopify/InventoryLevel/${locationIdOf(k)}?inventory_item_id=${itemId}`,
  };
}

const FINANCIAL = { OPEN: 'pending', COMPLETED: 'paid', CANCELED: 'voided' } as const;

export function renderShopOrder(ctx: ShopContext, i: number): object {
  const data = ctx.data;
  const o = data.order(i);
  const id = bigId(data.options.orders, i);
  const lines = o.lines.map((line) => {
    const product = data.product(line.productIndex);
    const variant = product.variants[line.variantIndex];
    const lineId = bigId(data.options.orders * 4, i * 4 + line.lineIndex);
    return {
      id: lineId,
      admin_graphql_api_id: `gid://shopify/LineItem/${lineId}`,
      product_id: bigId(data.options.products, product.index),
      variant_id: bigId(data.variantTotal, variant?.globalIndex ?? 0),
      sku: variant?.sku ?? null,
      title: product.name,
      variant_title: variant?.name ?? null,
      vendor: product.vendor,
      quantity: line.quantity,
      current_quantity: o.state === 'CANCELED' ? 0 : line.quantity,
      fulfillable_quantity: o.state === 'OPEN' ? line.quantity : 0,
      price: decimal(line.unitPriceCents),
      price_set: moneySet(line.unitPriceCents),
      total_discount: '0.00',
      taxable: true,
      requires_shipping: true,
      fulfillment_status: o.state === 'COMPLETED' ? 'fulfilled' : null,
      tax_lines: [],
    };
  });
  return {
    id,
    admin_graphql_api_id: `gid://shopify/Order/${id}`,
    name: `#${1001 + i}`,
    order_number: 1001 + i,
    email: `customer${o.customerIndex}@example.com`,
    created_at: time(ctx, o.createdAt),
    updated_at: time(ctx, o.updatedAt),
    processed_at: time(ctx, o.createdAt),
    closed_at: o.state === 'COMPLETED' ? time(ctx, o.updatedAt) : null,
    cancelled_at: o.state === 'CANCELED' ? time(ctx, o.updatedAt) : null,
    currency: 'USD',
    presentment_currency: 'USD',
    financial_status: FINANCIAL[o.state],
    fulfillment_status: o.state === 'COMPLETED' ? 'fulfilled' : null,
    test: false,
    source_name: 'web',
    location_id: locationIdOf(o.locationIndex),
    subtotal_price: decimal(o.totalCents),
    total_discounts: '0.00',
    total_tax: '0.00',
    total_price: decimal(o.totalCents),
    total_price_set: moneySet(o.totalCents),
    customer: { id: 207_119_551 + o.customerIndex, email: `customer${o.customerIndex}@example.com` },
    line_items: lines,
    refunds: [],
    fulfillments: [],
  };
}
