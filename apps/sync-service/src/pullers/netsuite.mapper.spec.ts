import { netsuiteInventory, netsuiteItem, netsuiteOrder } from './netsuite.mapper.js';
import { plytixProduct } from './plytix.mapper.js';
import { boundQuery, midpoint, pageQuery, type SuiteQlStream } from './suiteql.query.js';

const ITEMS: SuiteQlStream = {
  table: 'item',
  select: 'id, itemid',
  filter: "isinactive = 'F'",
  orderBy: 'id',
  slice: { column: 'lastmodifieddate', kind: 'time' },
};

describe('NetSuite and Plytix mappers', () => {
  it('maps an item to a product with one variant: SKU from itemid, GTIN from upccode, price in minor units', () => {
    const record = netsuiteItem(
      {
        id: '42',
        itemid: 'SKU-1',
        upccode: '0123',
        displayname: 'Mug',
        baseprice: '12.5',
        lastmodified: '2026-01-02T03:04:05Z',
      },
      'USD',
    );
    expect(record).toMatchObject({
      externalId: '42',
      sourceVersion: String(Date.parse('2026-01-02T03:04:05Z')),
      deleted: false,
      columns: { title: 'Mug' },
      data: {
        sku: 'SKU-1',
        gtin: '0123',
        variants: [{ externalId: '42', sku: 'SKU-1', gtin: '0123', price: { amountMinor: '1250', currency: 'USD' } }],
      },
    });
    expect(netsuiteItem({ id: '1', itemid: 'X', isinactive: 'T' }, 'USD')).toMatchObject({
      deleted: true,
      columns: { title: 'X' },
    });
  });

  it('turns NetSuite sales lines (negative, stock leaving) into positive order lines', () => {
    const record = netsuiteOrder(
      {
        id: '7',
        type: 'SalesOrd',
        status: 'B',
        location: '2',
        foreigntotal: '30',
        lastmodified: '2026-01-02T00:00:00Z',
      },
      [{ transaction: '7', id: '1', item: '42', quantity: '-3', rate: '10', netamount: '-30' }],
      'USD',
    );
    expect(record).toMatchObject({
      externalId: '7',
      columns: { location_external_id: '2', state: 'OPEN', currency: 'USD', total_minor: '3000' },
      data: {
        lineItems: [
          {
            externalId: '7:1',
            variantExternalId: '42',
            quantity: '3',
            unitPrice: { amountMinor: '1000' },
            total: { amountMinor: '3000' },
          },
        ],
      },
    });
  });

  it('keys inventory by item and location with the available quantity', () => {
    expect(
      netsuiteInventory({
        item: '42',
        location: '3',
        quantityonhand: '10',
        quantitycommitted: '4',
        quantityavailable: '6',
      }),
    ).toMatchObject({
      externalId: '42:3',
      sourceVersion: '0',
      columns: { item_external_id: '42', location_external_id: '3', quantity: '6' },
    });
  });

  it('maps a Plytix product with its attributes, SKU and GTIN', () => {
    const record = plytixProduct({
      id: 'p1',
      sku: 'SKU-1',
      gtin: '0123',
      label: 'Mug',
      modified: '2026-01-02T00:00:00.123Z',
      attributes: { color: 'Red' },
    });
    expect(record).toMatchObject({
      externalId: 'p1',
      sourceVersion: String(Date.parse('2026-01-02T00:00:00.123Z')),
      data: { attributes: { color: 'Red' }, variants: [{ sku: 'SKU-1', gtin: '0123' }] },
    });
  });
});

describe('SuiteQL queries', () => {
  it('filters a date window with TO_DATE bounds and keeps a stable ORDER BY id', () => {
    const from = Date.parse('2026-01-01T00:00:00Z');
    expect(pageQuery(ITEMS, { from, to: from + 86_400_000 })).toBe(
      "SELECT id, itemid FROM item WHERE isinactive = 'F' AND lastmodifieddate >= TO_DATE('2026-01-01 00:00:00', 'YYYY-MM-DD HH24:MI:SS') AND lastmodifieddate < TO_DATE('2026-01-02 00:00:00', 'YYYY-MM-DD HH24:MI:SS') ORDER BY id",
    );
    expect(pageQuery({ ...ITEMS, filter: undefined }, { from: null, to: null })).toBe(
      'SELECT id, itemid FROM item ORDER BY id',
    );
  });

  it('probes the newest modification as ISO 8601 and halves windows on whole seconds', () => {
    expect(boundQuery(ITEMS, { from: null, to: null }, true)).toBe(
      `SELECT TO_CHAR(lastmodifieddate, 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS v FROM item WHERE isinactive = 'F' ORDER BY lastmodifieddate DESC`,
    );
    expect(midpoint(ITEMS, 0, 3000)).toBe(1000);
    expect(midpoint(ITEMS, 0, 1000)).toBe(0);
  });
});
