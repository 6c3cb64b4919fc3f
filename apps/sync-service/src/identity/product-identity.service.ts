import { Injectable } from '@nestjs/common';
import { BusError, type ProductIdentityConflictView, type ProductIdentityView } from '@shelflink/contracts';
import { normalizeGtin, normalizeSku } from './product-key.js';
import { ProductIdentityRepository, type ConflictsAfter } from './product-identity.repository.js';

/** A page of conflicts and the `after` of the next page (null on the last). */
export interface ConflictsPage {
  conflicts: ProductIdentityConflictView[];
  next: string | null;
}

/** Reads of one product across systems: by identity id, by SKU or GTIN, and the conflicts among sources. */
@Injectable()
export class ProductIdentityService {
  constructor(private readonly identities: ProductIdentityRepository) {}

  /** @throws BusError NOT_FOUND for an unknown id or another tenant's identity. */
  async get(tenantId: string, id: string): Promise<ProductIdentityView> {
    const [view] = await this.identities.views(tenantId, [id]);
    if (!view) throw new BusError('NOT_FOUND', 'No such product identity');
    return view;
  }

  /** @throws BusError INVALID_REQUEST (VALIDATION_FAILED) for a blank SKU or a GTIN that is not a valid GTIN. */
  async find(tenantId: string, key: { sku?: string; gtin?: string }): Promise<ProductIdentityView[]> {
    const sku = key.sku === undefined ? null : normalizeSku(key.sku);
    const gtin = key.gtin === undefined ? null : normalizeGtin(key.gtin);
    if (key.sku !== undefined && sku === null) throw invalid('sku: must not be blank');
    if (key.gtin !== undefined && gtin === null)
      throw invalid('gtin: must be a GTIN-8, -12, -13 or -14 with a valid check digit');
    return this.identities.views(tenantId, await this.identities.findIds(tenantId, { sku, gtin }));
  }

  /** @throws BusError INVALID_REQUEST (VALIDATION_FAILED) for an `after` that is not a previous page's `next`. */
  async conflicts(tenantId: string, limit: number, after?: string): Promise<ConflictsPage> {
    const conflicts = await this.identities.conflicts(
      tenantId,
      {},
      limit,
      after === undefined ? undefined : decode(after),
    );
    const last = conflicts.at(-1);
    return { conflicts, next: conflicts.length === limit && last ? `${last.kind}:${last.key}` : null };
  }
}

function decode(after: string): ConflictsAfter {
  const colon = after.indexOf(':');
  if (colon <= 0) throw invalid("after: must be a previous page's `next`");
  return { kind: after.slice(0, colon), key: after.slice(colon + 1) };
}

const invalid = (message: string) => new BusError('INVALID_REQUEST', message, 'VALIDATION_FAILED');
