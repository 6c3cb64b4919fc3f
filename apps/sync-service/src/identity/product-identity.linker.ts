import { Injectable } from '@nestjs/common';
import { sqlRows } from '@shelflink/database';
import type { EntityManager } from 'typeorm';
import { planLinks, type KnownKeys, type LinkPlan } from './identity-linker.js';
import { productKeySources, type LinkedProduct } from './product-sources.js';

/** Who a batch of product records belongs to. */
export interface ProductBatchSource {
  tenantId: string;
  connectionId: string;
  provider: string;
}

// Linking reads then writes a tenant's keys; one batch at a time per tenant, so two systems' batches that bring the
// same new SKU at once cannot both make an identity for it. Held to the end of the upsert's transaction.
const LOCK_AND_UNLINK_SQL = `WITH unlinked AS (
    DELETE FROM sync.product_identity_sources WHERE tenant_id = $1 AND record_id = ANY($2::uuid[]) RETURNING 1)
  SELECT pg_advisory_xact_lock(hashtextextended('product-identity:' || $1, 0)) AS locked, (SELECT count(*) FROM unlinked)`;

const UNLINK_SQL = `DELETE FROM sync.product_identity_sources WHERE tenant_id = $1 AND record_id = ANY($2::uuid[])`;

const KNOWN_KEYS_SQL = `SELECT 'sku' AS kind, i.sku AS key, i.id::text AS identity, i.sku AS identity_sku
    FROM sync.product_identities i WHERE i.tenant_id = $1 AND i.sku = ANY($2::text[])
  UNION ALL
  SELECT 'gtin', g.gtin, g.identity_id::text, i.sku
    FROM sync.product_identity_gtins g
    JOIN sync.product_identities i ON i.tenant_id = g.tenant_id AND i.id = g.identity_id
    WHERE g.tenant_id = $1 AND g.gtin = ANY($3::text[])`;

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

interface KnownKeyRow {
  kind: 'sku' | 'gtin';
  key: string;
  identity: string;
  identity_sku: string | null;
}

/** Keeps product identities current as product records are upserted, inside the upsert's transaction. */
@Injectable()
export class ProductIdentityLinker {
  /** Relinks the changed product records of one batch: their old sources go, their current ones are linked. */
  async link(manager: EntityManager, source: ProductBatchSource, products: readonly LinkedProduct[]): Promise<void> {
    if (products.length === 0) return;
    const recordIds = products.map((product) => product.recordId);
    const sources = products.flatMap(productKeySources);
    if (sources.length === 0) {
      await sqlRows(manager, UNLINK_SQL, [source.tenantId, recordIds]);
      return;
    }
    await sqlRows(manager, LOCK_AND_UNLINK_SQL, [source.tenantId, recordIds]);
    const skus = [...new Set(sources.flatMap((s) => (s.sku === null ? [] : [s.sku])))];
    const gtins = [...new Set(sources.flatMap((s) => (s.gtin === null ? [] : [s.gtin])))];
    const rows = await sqlRows<KnownKeyRow>(manager, KNOWN_KEYS_SQL, [source.tenantId, skus, gtins]);
    const plan = planLinks(sources, knownKeys(rows));
    await sqlRows(manager, WRITE_SQL, writeParams(source, plan));
  }
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
