import { Injectable } from '@nestjs/common';
import type { ProductIdentityConflictView, ProductIdentityView } from '@shelflink/contracts';
import { sqlRows } from '@shelflink/database';
import { DataSource } from 'typeorm';

/** Where a page of conflicts starts: after this kind and key. */
export interface ConflictsAfter {
  kind: string;
  key: string;
}

/** The identity of each variant of a product record (`variantExternalId` null for the product itself). */
export interface RecordIdentity {
  recordId: string;
  variantExternalId: string | null;
  identity: string;
}

const VIEWS_SQL = `SELECT i.id::text AS id, i.sku,
    coalesce((SELECT array_agg(g.gtin ORDER BY g.gtin) FROM sync.product_identity_gtins g
      WHERE g.tenant_id = i.tenant_id AND g.identity_id = i.id), '{}') AS gtins,
    coalesce((SELECT jsonb_agg(jsonb_build_object('provider', s.provider, 'connectionId', s.connection_id,
        'entity', CASE WHEN s.variant_key = '' THEN 'product' ELSE 'variant' END, 'externalId', s.external_id,
        'productExternalId', s.product_external_id, 'recordId', s.record_id, 'sku', s.sku, 'gtin', s.gtin)
        ORDER BY s.provider, s.connection_id, s.external_id)
      FROM sync.product_identity_sources s WHERE s.tenant_id = i.tenant_id AND s.identity_id = i.id), '[]') AS sources
  FROM sync.product_identities i WHERE i.tenant_id = $1 AND i.id = ANY($2::uuid[]) ORDER BY i.id`;

// Conflicts are aggregates of the sources ($2/$3 narrow them to some GTINs/SKUs), ordered by kind then key.
const CONFLICTS_SQL = `SELECT kind, key, "values", identities FROM (
    SELECT 'gtin-on-several-skus' AS kind, gtin AS key, array_agg(DISTINCT sku ORDER BY sku) AS "values",
      array_agg(DISTINCT identity_id::text) AS identities
    FROM sync.product_identity_sources
    WHERE tenant_id = $1 AND sku IS NOT NULL AND gtin IS NOT NULL AND ($2::text[] IS NULL OR gtin = ANY($2::text[]))
    GROUP BY gtin HAVING count(DISTINCT sku) > 1
    UNION ALL
    SELECT 'sku-with-several-gtins', sku, array_agg(DISTINCT gtin ORDER BY gtin), array_agg(DISTINCT identity_id::text)
    FROM sync.product_identity_sources
    WHERE tenant_id = $1 AND sku IS NOT NULL AND gtin IS NOT NULL AND ($3::text[] IS NULL OR sku = ANY($3::text[]))
    GROUP BY sku HAVING count(DISTINCT gtin) > 1
  ) c WHERE ($4::text IS NULL OR (kind, key) > ($4::text, $5::text)) ORDER BY kind, key LIMIT $6`;

const FIND_SQL = `SELECT id::text AS id FROM sync.product_identities WHERE tenant_id = $1 AND sku = $2
  UNION SELECT identity_id::text FROM sync.product_identity_gtins WHERE tenant_id = $1 AND gtin = $3
  UNION SELECT identity_id::text FROM sync.product_identity_sources WHERE tenant_id = $1 AND sku = $2
  UNION SELECT identity_id::text FROM sync.product_identity_sources WHERE tenant_id = $1 AND gtin = $3
  LIMIT $4`;

const RECORD_IDENTITIES_SQL = `SELECT record_id::text AS record_id, variant_key, identity_id::text AS identity
  FROM sync.product_identity_sources WHERE tenant_id = $1 AND record_id = ANY($2::uuid[])
  ORDER BY record_id, variant_key`;

/** The most identities one lookup answers (a key the sources disagree on names a few, never hundreds). */
const FIND_LIMIT = 50;

type IdentityRow = Omit<ProductIdentityView, 'conflicts'>;

/** Tenant-scoped reads of product identities, their sources and the conflicts among them. */
@Injectable()
export class ProductIdentityRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Identities of a tenant by id (another tenant's ids answer nothing), each with the conflicts that touch it. */
  async views(tenantId: string, ids: readonly string[]): Promise<ProductIdentityView[]> {
    if (ids.length === 0) return [];
    const rows = await sqlRows<IdentityRow>(this.dataSource, VIEWS_SQL, [tenantId, ids]);
    const present = (values: (string | null)[]) => [...new Set(values)].filter((v): v is string => v !== null);
    const gtins = present(rows.flatMap((row) => [...row.gtins, ...row.sources.map((s) => s.gtin)]));
    const skus = present(rows.flatMap((row) => [row.sku, ...row.sources.map((s) => s.sku)]));
    const conflicts = await this.conflicts(tenantId, { gtins, skus }, 1_000);
    return rows.map((row) => ({ ...row, conflicts: conflicts.filter((c) => c.identities.includes(row.id)) }));
  }

  /** Ids of the identities whose keys or sources carry this normalized SKU or GTIN. */
  async findIds(tenantId: string, key: { sku: string | null; gtin: string | null }): Promise<string[]> {
    const rows = await sqlRows<{ id: string }>(this.dataSource, FIND_SQL, [tenantId, key.sku, key.gtin, FIND_LIMIT]);
    return rows.map((row) => row.id);
  }

  /** A tenant's conflicts by kind then key, optionally narrowed to some GTINs and SKUs. */
  async conflicts(
    tenantId: string,
    narrow: { gtins?: string[]; skus?: string[] },
    limit: number,
    after?: ConflictsAfter,
  ): Promise<ProductIdentityConflictView[]> {
    return sqlRows<ProductIdentityConflictView>(this.dataSource, CONFLICTS_SQL, [
      tenantId,
      narrow.gtins ?? null,
      narrow.skus ?? null,
      after?.kind ?? null,
      after?.key ?? null,
      limit,
    ]);
  }

  /** The identities of some product records' variants (the records read API shows them beside each product). */
  async ofRecords(tenantId: string, recordIds: readonly string[]): Promise<RecordIdentity[]> {
    if (recordIds.length === 0) return [];
    const rows = await sqlRows<{ record_id: string; variant_key: string; identity: string }>(
      this.dataSource,
      RECORD_IDENTITIES_SQL,
      [tenantId, recordIds],
    );
    return rows.map((row) => ({
      recordId: row.record_id,
      variantExternalId: row.variant_key === '' ? null : row.variant_key,
      identity: row.identity,
    }));
  }
}
