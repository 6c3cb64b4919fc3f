import { hash32, hash4, intBetween, mulberry32, pick, stringHash } from '../util/prng.js';
import { indexOrderView, Timeline, type OrderedView } from './timeline.js';

/** How many records an account holds. */
export interface DatasetSizes {
  readonly locations: number;
  readonly products: number;
  readonly orders: number;
}

export interface DatasetOptions extends DatasetSizes {
  readonly seed: number;
  /** Every generated timestamp is at or before this instant (ms); mutations move records past it. */
  readonly anchor: number;
  readonly spanDays: number;
  /** 1 for millisecond timestamps (Square), 1000 for whole seconds (Shopify). */
  readonly precisionMs: number;
  /** Names for the first products, as a merchant typed them; the rest are generated. */
  readonly productNames?: readonly string[];
}

export interface LocationModel {
  readonly index: number;
  readonly name: string;
  readonly city: string;
  readonly region: string;
  readonly postalCode: string;
  readonly street: string;
  readonly createdAt: number;
}

export interface VariantModel {
  readonly index: number;
  readonly globalIndex: number;
  readonly name: string;
  readonly sku: string;
  readonly gtin: string;
  readonly priceCents: number;
}

export interface ProductModel {
  readonly index: number;
  readonly name: string;
  readonly vendor: string;
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly version: number;
  readonly variants: readonly VariantModel[];
}

export interface OrderLineModel {
  readonly lineIndex: number;
  readonly productIndex: number;
  readonly variantIndex: number;
  readonly quantity: number;
  readonly unitPriceCents: number;
}

/** A line of an order being created: which variant, how many. */
export interface NewLine {
  readonly productIndex: number;
  readonly variantIndex: number;
  readonly quantity: number;
}

export type OrderState = 'OPEN' | 'COMPLETED' | 'CANCELED';

export interface OrderModel {
  readonly index: number;
  readonly locationIndex: number;
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly version: number;
  readonly state: OrderState;
  readonly customerIndex: number;
  readonly lines: readonly OrderLineModel[];
  readonly totalCents: number;
}

const DAY_MS = 86_400_000;
const CITIES = ['Portland', 'Austin', 'Denver', 'Raleigh', 'Madison', 'Tucson', 'Boise', 'Omaha'] as const;
const REGIONS = ['OR', 'TX', 'CO', 'NC', 'WI', 'AZ', 'ID', 'NE'] as const;
const NOUNS = ['Mug', 'Tote', 'Notebook', 'Candle', 'Scarf', 'Lamp', 'Kettle', 'Cap', 'Poster', 'Blanket'] as const;
const ADJECTIVES = ['Blue', 'Rustic', 'Classic', 'Tiny', 'Grand', 'Linen', 'Cedar', 'Amber'] as const;
const VENDORS = ['Northwind', 'Acme Goods', 'Harbor & Co', 'Fieldstone'] as const;
const SIZES = ['Small', 'Medium', 'Large'] as const;

/**
 * One account's deterministic data. Records are computed from (seed, index) on demand; only times and versions
 * live in typed arrays, so a million orders stay a few tens of megabytes.
 */
export class AccountDataset {
  readonly orderTimeline: Timeline;
  readonly productTimeline: Timeline;
  private orderVersion: Int32Array;
  private readonly productVersion: Int32Array;
  /** Creation times of orders created through the API, after the generated ones. */
  private readonly addedOrders: number[] = [];
  /** Lines of orders created through the API with line items (at the variant's price then). */
  private readonly addedLines = new Map<number, OrderLineModel[]>();
  /** Locations of orders created through the API. */
  private readonly addedLocations = new Map<number, number>();
  /** States set through the API (otherwise derived from the version). */
  private readonly orderStates = new Map<number, OrderState>();
  /** Stock set through the API, by `product:variant:location`; a product change discards its entries. */
  private readonly stock = new Map<string, number>();
  private readonly variantStart: Uint32Array;
  private mutations = 0;

  constructor(readonly options: DatasetOptions) {
    this.orderVersion = new Int32Array(options.orders);
    this.productVersion = new Int32Array(options.products);
    this.orderTimeline = new Timeline(this.initialTimes(options.orders, 1, this.orderVersion));
    this.productTimeline = new Timeline(this.initialTimes(options.products, 2, this.productVersion));
    this.variantStart = new Uint32Array(options.products + 1);
    for (let i = 0; i < options.products; i++) {
      this.variantStart[i + 1] = (this.variantStart[i] ?? 0) + intBetween(1, 3, options.seed, 3, i);
    }
  }

  get variantTotal(): number {
    return this.variantStart[this.options.products] ?? 0;
  }

  /** Orders: the generated ones plus those created through the API. */
  get orderCount(): number {
    return this.options.orders + this.addedOrders.length;
  }

  /** Creation time of record `index` of a kind (1 orders, 2 products); never decreases with the index. */
  createdAt(kind: number, index: number, count: number): number {
    if (kind === 1 && index >= this.options.orders) return this.addedOrders[index - this.options.orders] ?? 0;
    const { anchor, spanDays, precisionMs, seed } = this.options;
    const span = spanDays * DAY_MS;
    const slot = span / Math.max(count, 1);
    const raw = anchor - span + (index + (hash4(seed, kind, 0, index) / 4294967296) * 0.999) * slot;
    return Math.floor(raw / precisionMs) * precisionMs;
  }

  orderCreatedView(): OrderedView {
    return indexOrderView(this.orderCount, (i) => this.createdAt(1, i, this.options.orders));
  }

  productCreatedView(): OrderedView {
    return indexOrderView(this.options.products, (i) => this.createdAt(2, i, this.options.products));
  }

  location(index: number): LocationModel {
    const seed = this.options.seed;
    const c = hash32(seed, 5, index) % CITIES.length;
    return {
      index,
      name: `${CITIES[c] ?? 'Portland'} Store ${index + 1}`,
      city: CITIES[c] ?? 'Portland',
      region: REGIONS[c] ?? 'OR',
      postalCode: String(intBetween(10000, 99999, seed, 6, index)),
      street: `${intBetween(1, 999, seed, 7, index)} Main St`,
      createdAt: this.createdAt(5, index, Math.max(this.options.locations, 1)) - 30 * DAY_MS,
    };
  }

  variantCount(productIndex: number): number {
    return (this.variantStart[productIndex + 1] ?? 0) - (this.variantStart[productIndex] ?? 0);
  }

  variantGlobalIndex(productIndex: number, variantIndex: number): number {
    return (this.variantStart[productIndex] ?? 0) + variantIndex;
  }

  /** Inverse of variantGlobalIndex. */
  variantOwner(globalIndex: number): { productIndex: number; variantIndex: number } | undefined {
    if (globalIndex < 0 || globalIndex >= this.variantTotal) return undefined;
    let lo = 0;
    let hi = this.options.products - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if ((this.variantStart[mid] ?? 0) <= globalIndex) lo = mid;
      else hi = mid - 1;
    }
    return { productIndex: lo, variantIndex: globalIndex - (this.variantStart[lo] ?? 0) };
  }

  product(index: number): ProductModel {
    const { seed, products } = this.options;
    const version = this.productVersion[index] ?? 1;
    const name = this.productName(index);
    const variants: VariantModel[] = [];
    for (let v = 0; v < this.variantCount(index); v++) {
      const globalIndex = this.variantGlobalIndex(index, v);
      variants.push({
        index: v,
        globalIndex,
        name: variantName(v),
        sku: `SKU-${String(index + 1).padStart(6, '0')}-${v + 1}`,
        gtin: gtin13(seed, globalIndex),
        priceCents: intBetween(199, 9999, seed, 10, index, v, version),
      });
    }
    return {
      index,
      name,
      vendor: pick(VENDORS, seed, 11, index),
      createdAt: this.createdAt(2, index, products),
      updatedAt: this.productTimeline.time(index),
      version,
      variants,
    };
  }

  /** A product's name alone, for renderers that need no more of it (an order line). */
  productName(index: number): string {
    const seed = this.options.seed;
    const typed = this.options.productNames?.[index];
    if (typed !== undefined) return typed;
    return `${pick(ADJECTIVES, seed, 8, index)} ${pick(NOUNS, seed, 9, index)} ${index + 1}`;
  }

  /** Stock of one variant at one location; changes whenever the product is mutated. */
  inventory(productIndex: number, variantIndex: number, locationIndex: number): number {
    const set = this.stock.get(`${productIndex}:${variantIndex}:${locationIndex}`);
    if (set !== undefined) return set;
    const version = this.productVersion[productIndex] ?? 1;
    return intBetween(0, 120, this.options.seed, 12, productIndex, variantIndex, locationIndex, version);
  }

  order(index: number): OrderModel {
    const { seed, locations } = this.options;
    const version = this.orderVersion[index] ?? 1;
    const lines = this.addedLines.get(index) ?? this.generatedLines(index, version);
    return {
      index,
      locationIndex: this.addedLocations.get(index) ?? hash32(seed, 19, index) % Math.max(locations, 1),
      createdAt: this.createdAt(1, index, this.options.orders),
      updatedAt: this.orderTimeline.time(index),
      version,
      state: this.orderStates.get(index) ?? this.derivedState(index, version),
      customerIndex: hash32(seed, 20, index) % 5000,
      lines,
      totalCents: lines.reduce((sum, line) => sum + line.quantity * line.unitPriceCents, 0),
    };
  }

  /** How many lines order `index` has, without building it. */
  lineCount(index: number): number {
    const added = this.addedLines.get(index);
    if (added) return added.length;
    return this.options.products === 0 ? 0 : intBetween(1, 4, this.options.seed, 13, index);
  }

  private generatedLines(index: number, version: number): OrderLineModel[] {
    const { seed, products } = this.options;
    const lineCount = this.lineCount(index);
    return Array.from({ length: lineCount }, (_, l) => {
      const productIndex = hash32(seed, 14, index, l) % products;
      return {
        lineIndex: l,
        productIndex,
        variantIndex: hash32(seed, 15, index, l) % Math.max(this.variantCount(productIndex), 1),
        quantity: intBetween(1, 3, seed, 16, index, l, version),
        unitPriceCents: intBetween(199, 9999, seed, 17, index, l),
      };
    });
  }

  // Generated orders are mostly completed; an order created through the API starts OPEN.
  private derivedState(index: number, version: number): OrderState {
    if (index >= this.options.orders) return 'OPEN';
    const roll = hash32(this.options.seed, 18, index, version) % 10;
    if (version === 1) return roll < 7 ? 'COMPLETED' : 'OPEN';
    return roll < 9 ? 'COMPLETED' : 'CANCELED';
  }

  orderLocation(index: number): number {
    return this.addedLocations.get(index) ?? hash32(this.options.seed, 19, index) % Math.max(this.options.locations, 1);
  }

  /** Changes `count` random records now: bumps version and updated_at; returns the indices changed. */
  mutate(kind: 'orders' | 'products', count: number, now: number): number[] {
    const timeline = kind === 'orders' ? this.orderTimeline : this.productTimeline;
    const picked = this.pickIndices(timeline.size, count);
    this.change(kind, picked, now);
    return picked;
  }

  /** Changes these records now: version + 1, updated_at = max(now, latest); a product's set stock is discarded. */
  change(kind: 'orders' | 'products', indices: readonly number[], now: number): void {
    const versions = kind === 'orders' ? this.orderVersion : this.productVersion;
    for (const i of indices) versions[i] = (versions[i] ?? 1) + 1;
    if (kind === 'products') {
      const changed = new Set(indices.map(String));
      for (const key of this.stock.keys()) if (changed.has(key.split(':')[0] ?? '')) this.stock.delete(key);
    }
    this.touch(kind, indices, now);
  }

  /** Sets an order's state (and changes it). */
  setOrderState(index: number, state: OrderState, now: number): void {
    this.orderStates.set(index, state);
    this.change('orders', [index], now);
  }

  /** Creates an order now at a location (state OPEN, version 1; generated lines when none are given). */
  addOrder(now: number, locationIndex: number, lines: readonly NewLine[] = []): number {
    const index = this.orderCount;
    this.addedLocations.set(index, locationIndex);
    if (lines.length > 0)
      this.addedLines.set(
        index,
        lines.map((line, l) => ({
          ...line,
          lineIndex: l,
          unitPriceCents: this.product(line.productIndex).variants[line.variantIndex]?.priceCents ?? 0,
        })),
      );
    const t = this.stamp(now, this.orderTimeline.latest());
    this.addedOrders.push(Math.max(t, this.createdAt(1, index - 1, this.options.orders)));
    const versions = new Int32Array(index + 1);
    versions.set(this.orderVersion);
    versions[index] = 1;
    this.orderVersion = versions;
    this.orderTimeline.append(t);
    return index;
  }

  /** Sets one variant's stock at one location now; the product's updated_at moves (its version does not). */
  setStock(productIndex: number, variantIndex: number, locationIndex: number, quantity: number, now: number): void {
    this.stock.set(`${productIndex}:${variantIndex}:${locationIndex}`, quantity);
    this.touch('products', [productIndex], now);
  }

  private touch(kind: 'orders' | 'products', indices: readonly number[], now: number): void {
    const timeline = kind === 'orders' ? this.orderTimeline : this.productTimeline;
    timeline.touch(indices, this.stamp(now, timeline.latest()));
  }

  // Now at the account's precision, never before the latest time (timelines only move forward).
  private stamp(now: number, latest: number): number {
    const precision = this.options.precisionMs;
    return Math.max(Math.floor(now / precision) * precision, latest);
  }

  private pickIndices(size: number, count: number): number[] {
    if (count >= size) return Array.from({ length: size }, (_, i) => i);
    const random = mulberry32(hash32(this.options.seed, 21, ++this.mutations));
    const picked = new Set<number>();
    while (picked.size < count) picked.add(Math.floor(random() * size));
    return [...picked].sort((a, b) => a - b);
  }

  // Most records were never updated after creation; the rest were updated up to 30 days later. One hash per record
  // feeds all three choices so a million records start quickly.
  private initialTimes(count: number, kind: number, versions: Int32Array): Float64Array {
    const { seed, anchor, precisionMs } = this.options;
    const times = new Float64Array(count);
    for (let i = 0; i < count; i++) {
      const created = this.createdAt(kind, i, count);
      const h = hash4(seed, kind, 22, i);
      const updated = (h & 0xffff) < 0.6 * 0x10000;
      const delta = updated ? ((h >>> 16) / 0x10000) * Math.min(30 * DAY_MS, anchor - created) : 0;
      times[i] = Math.floor((created + delta) / precisionMs) * precisionMs;
      versions[i] = updated ? 2 + (h % 3) : 1;
    }
    return times;
  }
}

/** The name of a product's v-th variant. */
export function variantName(v: number): string {
  return SIZES[v] ?? `Size ${v + 1}`;
}

/** A valid EAN-13 (GTIN-13) with a correct check digit. */
export function gtin13(seed: number, index: number): string {
  const body = `0${String(hash32(seed, 25, index) % 1e9).padStart(9, '0')}${String(index % 1000).padStart(2, '0')}`
    .slice(0, 12)
    .padStart(12, '0');
  let sum = 0;
  for (let i = 0; i < 12; i++) sum += Number(body[i]) * (i % 2 === 0 ? 1 : 3);
  return `${body}${(10 - (sum % 10)) % 10}`;
}

/** The seed of one account's data: the sandbox seed mixed with provider and account names. */
export function accountSeed(seed: number, provider: string, account: string): number {
  return hash32(seed, stringHash(provider), stringHash(account));
}

/**
 * The GTIN of product `index`'s first variant in the ERP/PIM accounts (NetSuite, Plytix): it depends only on the
 * sandbox seed, so the same SKU carries the same GTIN in both, as one product master would give them.
 */
export function catalogGtin(sandboxSeed: number, index: number): string {
  return gtin13(hash32(sandboxSeed, 77), index);
}
