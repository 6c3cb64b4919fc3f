import { z } from 'zod';
import { defineRequest } from '../contract.js';
import { subjects } from '../subjects.js';

/** One provider record that carries an identity's SKU or GTIN: a product's variant, or a product without variants. */
export const productIdentitySourceView = z.object({
  provider: z.string(),
  connectionId: z.string(),
  /** `variant` when the key came from one of the product's variants, `product` when from the product itself. */
  entity: z.enum(['product', 'variant']),
  /** The provider's id of the variant (entity `variant`) or of the product (entity `product`). */
  externalId: z.string(),
  productExternalId: z.string(),
  /** The canonical product record (`GET /api/v1/records/products/{recordId}`). */
  recordId: z.uuid(),
  /** Normalized as linking compares them (GTIN-14); null when the provider sent none, or no valid GTIN. */
  sku: z.string().nullable(),
  gtin: z.string().nullable(),
});
export type ProductIdentitySourceView = z.infer<typeof productIdentitySourceView>;

export const productIdentityConflictKinds = ['gtin-on-several-skus', 'sku-with-several-gtins'] as const;

/** A key the sources disagree on: one GTIN under two SKUs, or one SKU with two GTINs. Never merged, only reported. */
export const productIdentityConflictView = z.object({
  kind: z.enum(productIdentityConflictKinds),
  /** The GTIN (`gtin-on-several-skus`) or the SKU (`sku-with-several-gtins`), normalized. */
  key: z.string(),
  /** The SKUs (or GTINs) it was seen with, normalized. */
  values: z.array(z.string()),
  identities: z.array(z.uuid()),
});
export type ProductIdentityConflictView = z.infer<typeof productIdentityConflictView>;

/** One product across systems: its SKU and GTINs (normalized, GTIN-14), the records that carry them, their conflicts. */
export const productIdentityView = z.object({
  id: z.uuid(),
  sku: z.string().nullable(),
  gtins: z.array(z.string()),
  sources: z.array(productIdentitySourceView),
  conflicts: z.array(productIdentityConflictView),
});
export type ProductIdentityView = z.infer<typeof productIdentityView>;

const tenantId = z.string().min(1).max(64);

/** `sync.products.identity.get.v1`: one identity of a tenant; NOT_FOUND for another tenant's. */
export const productIdentityGetRequest = z.object({ tenantId, id: z.uuid() });
export const productIdentityGetContract = defineRequest(
  subjects.syncProductIdentityGet,
  productIdentityGetRequest,
  productIdentityView,
);

/**
 * `sync.products.identity.find.v1`: the identities whose sources carry a SKU or a GTIN (normalized before the lookup;
 * an invalid GTIN is INVALID_REQUEST). Several when the sources disagree.
 */
export const productIdentityFindRequest = z
  .object({ tenantId, sku: z.string().min(1).max(255).optional(), gtin: z.string().min(1).max(64).optional() })
  .refine((request) => (request.sku === undefined) !== (request.gtin === undefined), {
    message: 'give exactly one of sku and gtin',
    path: ['sku'],
  });
export const productIdentityFindContract = defineRequest(
  subjects.syncProductIdentityFind,
  productIdentityFindRequest,
  z.object({ identities: z.array(productIdentityView) }),
);

/** `sync.products.conflicts.list.v1`: a tenant's conflicts, by kind then key; `after` is the previous page's `next`. */
export const productConflictsListRequest = z.object({
  tenantId,
  limit: z.number().int().min(1).max(500).default(100),
  after: z.string().max(300).optional(),
});
export const productConflictsListContract = defineRequest(
  subjects.syncProductConflictsList,
  productConflictsListRequest,
  z.object({ conflicts: z.array(productIdentityConflictView), next: z.string().nullable() }),
);

/**
 * `sync.admin.products.relink.v1` (operator only): links one page of a tenant's product records, by record id; for
 * records synced before identities existed. Records already linked cost a read. `after` is the last page's `nextAfter`.
 */
export const productsRelinkRequest = z.object({
  tenantId,
  limit: z.number().int().min(1).max(1000).default(500),
  after: z.uuid().optional(),
});
export const productsRelinkContract = defineRequest(
  subjects.syncAdminProductsRelink,
  productsRelinkRequest,
  z.object({ products: z.number().int(), nextAfter: z.uuid().nullable() }),
);
