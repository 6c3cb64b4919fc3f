import { productKeySources, type LinkedProduct } from './product-sources.js';

const product = (data: Record<string, unknown>, deleted = false): LinkedProduct => ({
  recordId: '00000000-0000-4000-8000-000000000001',
  externalId: 'P1',
  deleted,
  data,
});

describe('productKeySources', () => {
  it('takes each variant with a SKU or a valid GTIN, normalized', () => {
    const sources = productKeySources(
      product({
        variants: [
          { externalId: 'V1', sku: ' sku-1 ', gtin: '4006381333931' },
          { externalId: 'V2', sku: null, gtin: 'not-a-gtin' },
          { externalId: 'V3', sku: null, gtin: '036000291452' },
          { sku: 'NO-ID' },
        ],
      }),
    );
    expect(sources).toEqual([
      expect.objectContaining({ variantKey: 'V1', externalId: 'V1', sku: 'SKU-1', gtin: '04006381333931' }),
      expect.objectContaining({ variantKey: 'V3', externalId: 'V3', sku: null, gtin: '00036000291452' }),
    ]);
  });

  it('takes the product itself when its data carries a SKU or GTIN (an ERP item)', () => {
    expect(productKeySources(product({ sku: 'ITEM-1', gtin: '96385074' }))).toEqual([
      {
        recordId: expect.any(String),
        productExternalId: 'P1',
        variantKey: '',
        externalId: 'P1',
        sku: 'ITEM-1',
        gtin: '00000096385074',
      },
    ]);
  });

  it('takes an item whose keys are both on the product and on its one variant once, as the variant', () => {
    const item = product({
      sku: 'ITEM-1',
      gtin: '96385074',
      variants: [{ externalId: 'P1', sku: 'ITEM-1', gtin: '96385074' }],
    });
    expect(productKeySources(item)).toEqual([expect.objectContaining({ variantKey: 'P1', sku: 'ITEM-1' })]);
  });

  it('has no sources for a deleted product', () => {
    expect(productKeySources(product({ sku: 'ITEM-1' }, true))).toEqual([]);
  });
});
