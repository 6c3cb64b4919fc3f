import { catalogGtin } from '../dataset/dataset.js';
import type { OrderedView } from '../dataset/timeline.js';
import { productId, type PlytixContext } from './plytix-render.js';

/** One v1 filter: `{field, operator, value}`. */
export interface PlytixFilter {
  readonly field: string;
  readonly operator: string;
  readonly value?: unknown;
}

export type Query = { ok: true; total: number; indices: number[] } | { ok: false; message: string };

const TIME_FIELDS = new Set(['created', 'modified']);
const OPERATORS = new Set(['eq', '!eq', 'in', '!in', 'gt', 'gte', 'lt', 'lte', 'exists', '!exists', 'like']);

// Cheap per-field reads: a filter over 25,000 products must not render each one.
function fieldValue(ctx: PlytixContext, i: number, field: string): string | number | undefined {
  switch (field) {
    case 'sku':
      return ctx.data.product(i).variants[0]?.sku;
    case 'gtin':
      return catalogGtin(ctx.seed, i);
    case 'label':
      return ctx.data.productName(i);
    case 'id':
      return productId(ctx, i);
    case 'created':
      return ctx.data.createdAt(2, i, ctx.data.options.products);
    case 'modified':
      return ctx.data.productTimeline.time(i);
    default:
      return undefined;
  }
}

function test(filter: PlytixFilter, value: string | number | undefined): boolean {
  const wanted =
    TIME_FIELDS.has(filter.field) && typeof filter.value === 'string' ? Date.parse(filter.value) : filter.value;
  const list = Array.isArray(filter.value) ? (filter.value as unknown[]) : [];
  switch (filter.operator) {
    case 'exists':
      return value !== undefined;
    case '!exists':
      return value === undefined;
    case 'eq':
      return value === wanted;
    case '!eq':
      return value !== wanted;
    case 'in':
      return list.includes(value);
    case '!in':
      return !list.includes(value);
    case 'like':
      return typeof value === 'string' && value.toLowerCase().includes(String(filter.value).toLowerCase());
    default: {
      if (value === undefined || typeof wanted !== typeof value) return false;
      const [a, b] = [value, wanted as typeof value];
      return filter.operator === 'gt'
        ? a > b
        : filter.operator === 'gte'
          ? a >= b
          : filter.operator === 'lt'
            ? a < b
            : a <= b;
    }
  }
}

/** Checks filters: a list of AND-groups, OR-ed together. Returns an error message or undefined. */
export function checkFilters(groups: unknown): string | undefined {
  if (groups === undefined) return undefined;
  if (!Array.isArray(groups) || !groups.every((g) => Array.isArray(g))) return 'filters must be a list of lists';
  for (const filter of (groups as unknown[][]).flat()) {
    const f = filter as Partial<PlytixFilter>;
    if (typeof f.field !== 'string' || !OPERATORS.has(String(f.operator)))
      return `Invalid filter ${JSON.stringify(filter)}`;
    if (TIME_FIELDS.has(f.field) && typeof f.value === 'string' && Number.isNaN(Date.parse(f.value)))
      return `Invalid date ${f.value}`;
  }
  return undefined;
}

/** The sandbox sorts by `id`/`sku`/`created` (creation order) or `modified`, `-` for descending. */
export function viewFor(ctx: PlytixContext, order: string): { view: OrderedView; descending: boolean } | undefined {
  const descending = order.startsWith('-');
  const field = order.replace(/^-/, '');
  if (field === 'modified') return { view: ctx.data.productTimeline.view(), descending };
  if (['id', 'sku', 'created', ''].includes(field)) return { view: ctx.data.productCreatedView(), descending };
  return undefined;
}

/** Runs a search: all matches' count and the indices of one page (page numbers from 1). */
export function runQuery(
  ctx: PlytixContext,
  groups: readonly (readonly PlytixFilter[])[],
  order: { view: OrderedView; descending: boolean },
  from: number,
  size: number,
): Query {
  const { view, descending } = order;
  const at = (n: number): number => view.indexAt(descending ? view.length - 1 - n : n);
  if (groups.length === 0) {
    const indices = [];
    for (let n = from; n < Math.min(view.length, from + size); n++) indices.push(at(n));
    return { ok: true, total: view.length, indices };
  }
  const matching: number[] = [];
  for (let n = 0; n < view.length; n++) {
    const i = at(n);
    if (groups.some((g) => g.every((f) => test(f, fieldValue(ctx, i, f.field))))) matching.push(i);
  }
  return { ok: true, total: matching.length, indices: matching.slice(from, from + size) };
}
