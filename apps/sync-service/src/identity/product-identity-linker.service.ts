import { Injectable } from '@nestjs/common';
import { sqlRows } from '@shelflink/database';
import type { EntityManager } from 'typeorm';
import { planLinks, type KnownKeys, type LinkPlan } from './identity-linker.js';
import { productKeySources, type LinkedProduct, type ProductKeySource } from './product-sources.js';

/** Who a batch of product records belongs to. */
export interface ProductBatchSource {
  tenantId: string;
  connectionId: string;
  provider: string;
}

// Each key is probed in its index (a LATERAL kept apart by OFFSET 0): before a table's first ANALYZE the planner
// takes a tenant for a few rows and scanned all of them, 60 ms a batch.
const LINKED_SQL = `SELECT s.record_id::text AS record_id, s.variant_key, s.sku, s.gtin
  FROM unnest($2::uuid[]) AS r(id)
  CROSS JOIN LATERAL (SELECT * FROM sync.product_identity_sources s
    WHERE s.tenant_id = $1 AND s.record_id = r.id OFFSET 0) s`;

const UNLINK_SQL = `DELETE FROM sync.product_identity_sources
  WHERE tenant_id = $1 AND (record_id, variant_key) IN (SELECT * FROM unnest($2::uuid[], $3::text[]))`;

/**
 * The tenant's linking lock (SQL; `tenant` names the parameter): linking reads then writes a tenant's keys, one batch at
 * a time per tenant, so two systems' batches that bring the same new SKU at once cannot both make an identity for it.
 * Held to the end of the upsert's transaction; the key lookup must start after it is taken (a later statement).
 */
export const productIdentityLock = (tenant: string): string =>
  `pg_advisory_xact_lock(hashtextextended('product-identity:' || ${tenant}, 0))`;

const LOCK_SQL = `SELECT ${productIdentityLock('$1')}::text AS locked`;

const UNLINK_CONNECTION_SQL = `DELETE FROM sync.product_identity_sources s USING sync.products p
  WHERE s.tenant_id = $1 AND p.tenant_id = $1 AND p.connection_id = $2 AND s.record_id = p.id`;

const KNOWN_KEYS_SQL = `SELECT 'sku' AS kind, i.sku AS key, i.id::text AS identity, i.sku AS identity_sku
    FROM unnest($2::text[]) AS k(sku)
    CROSS JOIN LATERAL (SELECT * FROM sync.product_identities i WHERE i.tenant_id = $1 AND i.sku = k.sku OFFSET 0) i
  UNION ALL
  SELECT 'gtin', g.gtin, g.identity_id::text, i.sku
    FROM unnest($3::text[]) AS k(gtin)
    CROSS JOIN LATERAL (SELECT * FROM sync.product_identity_gtins g WHERE g.tenant_id = $1 AND g.gtin = k.gtin OFFSET 0) g
    JOIN sync.product_identities i ON i.tenant_id = g.tenant_id AND i.id = g.identity_id`;

// One statement: the CTEs all run, the UPDATE touching only identities made by earlier batches.
const WRITE_SQL = `WITH created AS (
    INSERT INTO sync.product_identities (tenant_id, id, sku)
    SELECT $1, r.id, r.sku FROM jsonb_to_recordset($2::jsonb) AS r(id uuid, sku text)),
  named AS (
    UPDATE sync.product_identities i SET sku = r.sku FROM jsonb_to_recordset($3::jsonb) AS r(id uuid, sku text)
    WHERE i.tenant_id = $1 AND i.id = r.id),
  gtins AS (
    INSERT INTO sync.product_identity_gtins (tenant_id, gtin, identity_id)
    SELECT $1, r.gtin, r.identity FROM jsonb_to_recordset($4::jsonb) AS r(gtin text, identity uuid))
  INSERT INTO sync.product_identity_sources
    (tenant_id, record_id, variant_key, identity_id, provider, connection_id, product_external_id, external_id, sku, gtin)
  SELECT $1, r.record_id, r.variant_key, r.identity, $5, $6, r.product_external_id, r.external_id, r.sku, r.gtin
  FROM jsonb_to_recordset($7::jsonb) AS r(record_id uuid, variant_key text, identity uuid, product_external_id text,
    external_id text, sku text, gtin text)`;

interface LinkedRow {
  record_id: string;
  variant_key: string;
  sku: string | null;
  gtin: string | null;
}

interface KnownKeyRow {
  kind: 'sku' | 'gtin';
  key: string;
  identity: string;
  identity_sku: string | null;
}

/** Keeps product identities current as product records are upserted, inside the upsert's transaction. */
@Injectable()
export class ProductIdentityLinker {
  /**
   * Relinks the changed product records of one batch. A source whose SKU and GTIN did not change keeps its link (most
   * product updates are prices and titles), so only new, changed and gone sources cost a write.
   */
  async link(
    manager: EntityManager,
    source: ProductBatchSource,
    products: readonly LinkedProduct[],
    options: { locked?: boolean } = {},
  ): Promise<void> {
    if (products.length === 0) return;
    const sources = products.flatMap(productKeySources);
    const { stale, fresh } = diffSources(await this.linked(manager, source.tenantId, products), sources);
    if (stale.length > 0)
      await sqlRows(manager, UNLINK_SQL, [
        source.tenantId,
        stale.map((s) => s.record_id),
        stale.map((s) => s.variant_key),
      ]);
    if (fresh.length === 0) return;
    // The upsert took the lock already when it inserted records.
    if (options.locked !== true) await sqlRows(manager, LOCK_SQL, [source.tenantId]);
    const skus = [...new Set(fresh.flatMap((s) => (s.sku === null ? [] : [s.sku])))];
    const gtins = [...new Set(fresh.flatMap((s) => (s.gtin === null ? [] : [s.gtin])))];
    const rows = await sqlRows<KnownKeyRow>(manager, KNOWN_KEYS_SQL, [source.tenantId, skus, gtins]);
    const plan = planLinks(fresh, knownKeys(rows));
    await sqlRows(manager, WRITE_SQL, writeParams(source, plan));
  }

  // A record the batch created has nothing linked yet: a first catalogue asks for nothing.
  private async linked(manager: EntityManager, tenantId: string, products: readonly LinkedProduct[]) {
    const ids = products.flatMap((p) => (p.created === true ? [] : [p.recordId]));
    return ids.length === 0 ? [] : sqlRows<LinkedRow>(manager, LINKED_SQL, [tenantId, ids]);
  }

  /** Removes the sources of one connection's products (before the products themselves go). */
  async unlinkConnection(manager: EntityManager, tenantId: string, connectionId: string): Promise<void> {
    await sqlRows(manager, UNLINK_CONNECTION_SQL, [tenantId, connectionId]);
  }
}

// Stale: linked sources that are gone or whose keys changed. Fresh: sources not linked as they are now.
function diffSources(linked: readonly LinkedRow[], sources: readonly ProductKeySource[]) {
  const slot = (recordId: string, variantKey: string) => `${recordId}\n${variantKey}`;
  const now = new Map(sources.map((s) => [slot(s.recordId, s.variantKey), s]));
  const kept = new Set<string>();
  const stale: LinkedRow[] = [];
  for (const row of linked) {
    const key = slot(row.record_id, row.variant_key);
    const current = now.get(key);
    if (current && current.sku === row.sku && current.gtin === row.gtin) kept.add(key);
    else stale.push(row);
  }
  const fresh = sources.filter((s) => !kept.has(slot(s.recordId, s.variantKey)));
  return { stale, fresh };
}

function knownKeys(rows: readonly KnownKeyRow[]): KnownKeys {
  const known: KnownKeys = { bySku: new Map(), byGtin: new Map(), skuOf: new Map() };
  for (const row of rows) {
    (row.kind === 'sku' ? known.bySku : known.byGtin).set(row.key, row.identity);
    known.skuOf.set(row.identity, row.identity_sku);
  }
  return known;
}

function writeParams(source: ProductBatchSource, plan: LinkPlan): unknown[] {
  const links = plan.links.map(({ source: s, identity }) => ({
    record_id: s.recordId,
    variant_key: s.variantKey,
    identity,
    product_external_id: s.productExternalId,
    external_id: s.externalId,
    sku: s.sku,
    gtin: s.gtin,
  }));
  return [
    source.tenantId,
    JSON.stringify(plan.created),
    JSON.stringify(plan.named),
    JSON.stringify(plan.gtins),
    source.provider,
    source.connectionId,
    JSON.stringify(links),
  ];
}
