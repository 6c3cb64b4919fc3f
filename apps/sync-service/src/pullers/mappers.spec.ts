import { shopifyOrder, shopifyProduct } from './shopify.mapper.js';
import { squareCount, squareOrder } from './square.mapper.js';

describe('canonical mappers', () => {
  it('maps a Square order with exact minor units, its version and decimal quantities', () => {
    const record = squareOrder({
      id: 'ORD1',
      location_id: 'L1',
      state: 'OPEN',
      version: 3,
      updated_at: '2026-01-02T00:00:00Z',
      total_money: { amount: 1999, currency: 'USD' },
      line_items: [
        {
          uid: 'u1',
          quantity: '2.50',
          catalog_object_id: 'V1',
          base_price_money: { amount: 799, currency: 'USD' },
          total_money: { amount: 1999, currency: 'USD' },
        },
      ],
    });
    expect(record).toMatchObject({
      externalId: 'ORD1',
      sourceVersion: '3',
      columns: { location_external_id: 'L1', state: 'OPEN', currency: 'USD', total_minor: '1999' },
      data: { lineItems: [{ externalId: 'u1', quantity: '2.5', unitPrice: { amountMinor: '799', currency: 'USD' } }] },
    });
  });

  it('keys a Square count by variation and location', () => {
    const record = squareCount({
      catalog_object_id: 'V1',
      location_id: 'L2',
      quantity: '007',
      calculated_at: '2026-01-02T00:00:00Z',
      state: 'IN_STOCK',
    });
    expect(record).toMatchObject({
      externalId: 'V1:L2',
      sourceVersion: String(Date.parse('2026-01-02T00:00:00Z')),
      columns: { quantity: '7' },
    });
  });

  it('maps a Shopify order from decimal strings to minor units and keeps 64-bit ids as text', () => {
    const record = shopifyOrder({
      id: '9007199254740993',
      updated_at: '2026-01-02T10:00:00-05:00',
      currency: 'USD',
      total_price: '19.90',
      closed_at: '2026-01-02T10:00:00-05:00',
      line_items: [{ id: '9007199254740995', variant_id: '9007199254740997', quantity: 2, price: '9.95' }],
    });
    expect(record).toMatchObject({
      externalId: '9007199254740993',
      sourceVersion: String(Date.parse('2026-01-02T15:00:00Z')),
      columns: { state: 'COMPLETED', total_minor: '1990', currency: 'USD' },
      data: {
        lineItems: [
          {
            externalId: '9007199254740995',
            variantExternalId: '9007199254740997',
            quantity: '2',
            unitPrice: { amountMinor: '995' },
          },
        ],
      },
    });
  });

  it('maps Shopify product variants with SKU, barcode and price', () => {
    const record = shopifyProduct(
      {
        id: '1',
        title: 'Tee',
        updated_at: '2026-01-01T00:00:00Z',
        variants: [{ id: '2', sku: 'S', barcode: '4006381333931', price: '10.00', inventory_item_id: '3' }],
      },
      'USD',
    );
    expect(record.data.variants).toEqual([
      {
        externalId: '2',
        inventoryItemExternalId: '3',
        title: null,
        sku: 'S',
        gtin: '4006381333931',
        price: { amountMinor: '1000', currency: 'USD' },
      },
    ]);
  });
});
