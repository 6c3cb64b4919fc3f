import { catalogGtin, type AccountDataset } from '../dataset/dataset.js';
import { objectId } from '../util/ids.js';
import { isoUtc } from '../util/time.js';
import { pick } from '../util/prng.js';

/** One account's products as Plytix renders them: product `i` is the dataset's product `i` (its first variant's SKU). */
export interface PlytixContext {
  readonly tag: number;
  readonly data: AccountDataset;
  /** The sandbox seed: GTINs match the NetSuite items of the same SKU. */
  readonly seed: number;
}

const COLORS = ['Red', 'Navy', 'Sand', 'Olive', 'Black'] as const;
const MATERIALS = ['Cotton', 'Ceramic', 'Oak', 'Steel', 'Wool'] as const;
/** Fields every product has at the top level (the rest are custom attributes under `attributes`). */
export const SYSTEM_FIELDS = ['id', 'sku', 'label', 'gtin', 'status', 'created', 'modified', 'num_variations'] as const;

export const productId = (ctx: PlytixContext, i: number): string => objectId(ctx.tag, 11, i);
export const assetId = (ctx: PlytixContext, i: number): string => objectId(ctx.tag, 12, i);

/** The index of a product or asset id of this account (ids are looked up, not parsed). */
export function indexOfId(ctx: PlytixContext, id: string, kind: 11 | 12): number | undefined {
  if (!/^[0-9a-f]{24}$/.test(id)) return undefined;
  for (let i = 0; i < ctx.data.options.products; i++) if (objectId(ctx.tag, kind, i) === id) return i;
  return undefined;
}

/** Custom attribute values; stock and price are attributes in Plytix (decimals as JSON numbers, a sandbox choice). */
export function customAttributes(ctx: PlytixContext, i: number): Record<string, unknown> {
  const p = ctx.data.product(i);
  const seed = ctx.data.options.seed;
  return {
    brand: p.vendor,
    color: pick(COLORS, seed, 60, i),
    material: pick(MATERIALS, seed, 61, i),
    price: (p.variants[0]?.priceCents ?? 0) / 100,
    stock: ctx.data.inventory(i, 0, 0),
  };
}

export function renderAsset(ctx: PlytixContext, i: number): Record<string, unknown> {
  const p = ctx.data.product(i);
  const sku = p.variants[0]?.sku ?? `P${i}`;
  return {
    id: assetId(ctx, i),
    filename: `${sku}.jpg`,
    file_type: 'IMAGE',
    file_size: 40_000 + (i % 1000) * 37,
    content_type: 'image/jpeg',
    url: `https://files.plytix.com/api/v1.1/file/public_files/pim/assets/sandbox/${assetId(ctx, i)}/${sku}.jpg`,
    created: isoUtc(p.createdAt),
    modified: isoUtc(p.createdAt),
    assigned: true,
  };
}

/** The full product (`GET /products/{id}` and exports). */
export function renderProduct(ctx: PlytixContext, i: number): Record<string, unknown> {
  const p = ctx.data.product(i);
  return {
    id: productId(ctx, i),
    sku: p.variants[0]?.sku ?? `P${i}`,
    label: p.name,
    gtin: catalogGtin(ctx.seed, i),
    status: p.version > 1 ? 'Completed' : 'Draft',
    created: isoUtc(p.createdAt),
    modified: isoUtc(p.updatedAt),
    num_variations: 0,
    assets: [{ id: assetId(ctx, i) }],
    thumbnail: { id: assetId(ctx, i), file_name: `${p.variants[0]?.sku ?? i}.jpg` },
    attributes: customAttributes(ctx, i),
  };
}

/** A search hit: `id` and `sku`, plus the requested attributes (system fields by name, custom ones as `attributes.x`). */
export function renderHit(ctx: PlytixContext, i: number, attributes: readonly string[]): Record<string, unknown> {
  const full = renderProduct(ctx, i);
  const hit: Record<string, unknown> = { id: full.id, sku: full.sku };
  const custom = full.attributes as Record<string, unknown>;
  const picked: Record<string, unknown> = {};
  for (const name of attributes) {
    const bare = name.replace(/^attributes\./, '');
    if ((SYSTEM_FIELDS as readonly string[]).includes(name)) hit[name] = full[name];
    else if (bare in custom) picked[bare] = custom[bare];
  }
  if (Object.keys(picked).length > 0) hit.attributes = picked;
  return hit;
}
