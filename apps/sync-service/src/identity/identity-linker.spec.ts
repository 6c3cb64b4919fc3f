import { planLinks, type KnownKeys } from './identity-linker.js';
import type { ProductKeySource } from './product-sources.js';

const source = (externalId: string, sku: string | null, gtin: string | null): ProductKeySource => ({
  recordId: '00000000-0000-4000-8000-000000000001',
  productExternalId: `P-${externalId}`,
  variantKey: externalId,
  externalId,
  sku,
  gtin,
});
const nothingKnown = (): KnownKeys => ({ bySku: new Map(), byGtin: new Map(), skuOf: new Map() });
const counter = () => {
  let n = 0;
  return () => `id-${++n}`;
};
const identities = (plan: ReturnType<typeof planLinks>) => plan.links.map((link) => link.identity);

describe('planLinks', () => {
  it('links one SKU from several systems to one identity, whichever GTINs they carry', () => {
    const plan = planLinks(
      [source('sq', 'A', '1'), source('shop', 'A', '2'), source('ns', 'A', '3'), source('plytix', null, '3')],
      nothingKnown(),
      counter(),
    );
    expect(identities(plan)).toEqual(['id-1', 'id-1', 'id-1', 'id-1']);
    expect(plan.created).toEqual([{ id: 'id-1', sku: 'A' }]);
    expect(plan.gtins.map((g) => g.gtin)).toEqual(['1', '2', '3']);
  });

  it('never merges two SKUs that share a GTIN: the second SKU gets its own identity', () => {
    const plan = planLinks([source('a', 'A', '1'), source('b', 'B', '1')], nothingKnown(), counter());
    expect(identities(plan)).toEqual(['id-1', 'id-2']);
    expect(plan.gtins).toEqual([{ gtin: '1', identity: 'id-1' }]);
  });

  it('gives a GTIN-only identity the first SKU that comes with its GTIN, in the same batch or a later one', () => {
    const sameBatch = planLinks([source('p', null, '1'), source('a', 'A', '1')], nothingKnown(), counter());
    expect(identities(sameBatch)).toEqual(['id-1', 'id-1']);
    expect(sameBatch.created).toEqual([{ id: 'id-1', sku: 'A' }]);
    expect(sameBatch.named).toEqual([]);

    const known: KnownKeys = { bySku: new Map(), byGtin: new Map([['1', 'old']]), skuOf: new Map([['old', null]]) };
    const later = planLinks([source('a', 'A', '1'), source('b', 'B', '1')], known, counter());
    expect(identities(later)).toEqual(['old', 'id-1']);
    expect(later.named).toEqual([{ id: 'old', sku: 'A' }]);
    expect(later.gtins).toEqual([]);
  });

  it('keeps a SKU on its identity when its GTIN belongs to another SKU', () => {
    const known: KnownKeys = {
      bySku: new Map([
        ['A', 'ida'],
        ['B', 'idb'],
      ]),
      byGtin: new Map([['1', 'idb']]),
      skuOf: new Map([
        ['ida', 'A'],
        ['idb', 'B'],
      ]),
    };
    const plan = planLinks([source('a', 'A', '1')], known, counter());
    expect(identities(plan)).toEqual(['ida']);
    expect(plan).toMatchObject({ created: [], named: [], gtins: [] });
  });
});
