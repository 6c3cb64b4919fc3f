import { randomUUID } from 'node:crypto';
import type { ProductKeySource } from './product-sources.js';

/** The identities a batch's keys already have: by SKU, and by GTIN with the SKU (if any) of the GTIN's identity. */
export interface KnownKeys {
  bySku: Map<string, string>;
  byGtin: Map<string, string>;
  /** Identity id → its SKU, or null for an identity known by GTIN only. */
  skuOf: Map<string, string | null>;
}

/** What a batch writes: new identities, SKUs given to GTIN-only identities, new GTIN keys, and each source's link. */
export interface LinkPlan {
  created: { id: string; sku: string | null }[];
  named: { id: string; sku: string }[];
  gtins: { gtin: string; identity: string }[];
  links: { source: ProductKeySource; identity: string }[];
}

/**
 * Links each source to one identity, in order, so later sources see earlier ones. A SKU names at most one identity and
 * an identity has at most one SKU; it may have several GTINs. Disagreements are linked, never merged:
 * - a SKU links to its identity whatever GTIN it comes with (a second GTIN is added: "one SKU, several GTINs");
 * - a GTIN already held by an identity of another SKU stays there, and the new SKU gets its own identity
 *   ("one GTIN, several SKUs");
 * - a GTIN-only identity takes the first SKU that comes with its GTIN.
 * Both kinds of conflict are read back from the sources, so they vanish when the providers' data is fixed.
 */
export function planLinks(
  sources: readonly ProductKeySource[],
  known: KnownKeys,
  newId: () => string = randomUUID,
): LinkPlan {
  const plan: LinkPlan = { created: [], named: [], gtins: [], links: [] };
  const created = new Map<string, { id: string; sku: string | null }>();
  for (const source of sources) {
    const identity = linkOne(source, known, { plan, created, newId });
    plan.links.push({ source, identity });
  }
  plan.created = [...created.values()];
  return plan;
}

interface Planning {
  plan: LinkPlan;
  /** Identities made in this batch: one named later in the batch gets its SKU in its insert. */
  created: Map<string, { id: string; sku: string | null }>;
  newId: () => string;
}

function linkOne(source: ProductKeySource, known: KnownKeys, { plan, created, newId }: Planning): string {
  const { sku, gtin } = source;
  const bySku = sku === null ? undefined : known.bySku.get(sku);
  const byGtin = gtin === null ? undefined : known.byGtin.get(gtin);
  let identity: string;
  if (bySku !== undefined) identity = bySku;
  else if (byGtin !== undefined && (sku === null || known.skuOf.get(byGtin) === null)) {
    identity = byGtin;
    if (sku !== null) {
      const fresh = created.get(identity);
      if (fresh) fresh.sku = sku;
      else plan.named.push({ id: identity, sku });
      remember(known, identity, sku);
    }
  } else {
    identity = newId();
    created.set(identity, { id: identity, sku });
    known.skuOf.set(identity, null);
    if (sku !== null) remember(known, identity, sku);
  }
  if (gtin !== null && byGtin === undefined) {
    plan.gtins.push({ gtin, identity });
    known.byGtin.set(gtin, identity);
  }
  return identity;
}

function remember(known: KnownKeys, identity: string, sku: string): void {
  known.bySku.set(sku, identity);
  known.skuOf.set(identity, sku);
}
