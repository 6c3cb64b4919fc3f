import { catalogGtin, type AccountDataset, type OrderModel } from '../dataset/dataset.js';
import { hash32 } from '../util/prng.js';

/** How a column's raw value is typed: dates and datetimes hold milliseconds. */
export type ColumnType = 'text' | 'number' | 'date' | 'datetime';
export type Raw = string | number | null;

/** One SuiteQL table over an account's dataset: rows addressed by position, columns read one at a time. */
export interface Table {
  readonly columns: Readonly<Record<string, ColumnType>>;
  count(): number;
  get(pos: number, column: string): Raw;
  /** Positions that can match `column = any of ids` (to avoid a full scan), or undefined for all. */
  narrow?(column: string, ids: readonly number[]): number[] | undefined;
}

export interface NetSuiteData {
  readonly data: AccountDataset;
  /** The sandbox seed: item GTINs match Plytix's for the same SKU. */
  readonly seed: number;
}

const money = (cents: number): string => String(cents / 100);

/** A transaction's type: about one in five is a cash sale, the rest sales orders. */
export function transactionType(data: AccountDataset, o: number): 'SalesOrd' | 'CashSale' {
  return hash32(data.options.seed, 70, o) % 5 === 0 ? 'CashSale' : 'SalesOrd';
}

// Status letters (a sandbox choice): sales orders B pending fulfillment, G billed, C cancelled; cash sales C deposited.
function transactionStatus(data: AccountDataset, o: number): string {
  if (transactionType(data, o) === 'CashSale') return 'C';
  const state = data.order(o).state;
  return state === 'OPEN' ? 'B' : state === 'COMPLETED' ? 'G' : 'C';
}

function locationTable({ data }: NetSuiteData): Table {
  return {
    columns: { id: 'number', name: 'text', fullname: 'text', isinactive: 'text', lastmodifieddate: 'datetime' },
    count: () => data.options.locations,
    get: (k, column) => {
      const loc = data.location(k);
      const values: Record<string, Raw> = {
        id: k + 1,
        name: loc.name,
        fullname: `${loc.city} : ${loc.name}`,
        isinactive: 'F',
        lastmodifieddate: loc.createdAt,
      };
      return values[column] ?? null;
    },
  };
}

function itemTable({ data, seed }: NetSuiteData): Table {
  // Two columns read the product: a page's row costs one product().
  const productOf = lastMemo((i) => data.product(i));
  return {
    columns: {
      id: 'number',
      itemid: 'text',
      displayname: 'text',
      upccode: 'text',
      itemtype: 'text',
      isinactive: 'text',
      baseprice: 'number',
      createddate: 'datetime',
      lastmodifieddate: 'datetime',
    },
    count: () => data.options.products,
    get: (i, column) => {
      switch (column) {
        case 'id':
          return i + 1;
        case 'itemid':
          return productOf(i).variants[0]?.sku ?? null;
        case 'displayname':
          return data.productName(i);
        case 'upccode':
          return catalogGtin(seed, i);
        case 'itemtype':
          return 'InvtPart';
        case 'isinactive':
          return 'F';
        case 'baseprice':
          return money(productOf(i).variants[0]?.priceCents ?? 0);
        case 'createddate':
          return data.createdAt(2, i, data.options.products);
        case 'lastmodifieddate':
          return data.productTimeline.time(i);
        default:
          return null;
      }
    },
  };
}

function inventoryTable({ data }: NetSuiteData): Table {
  const L = Math.max(data.options.locations, 1);
  const committed = (i: number, k: number): number => hash32(data.options.seed, 71, i, k) % 5;
  return {
    columns: {
      item: 'number',
      location: 'number',
      quantityonhand: 'number',
      quantitycommitted: 'number',
      quantityavailable: 'number',
    },
    count: () => data.options.products * L,
    get: (pos, column) => {
      const i = Math.floor(pos / L);
      const k = pos % L;
      const onHand = data.inventory(i, 0, k);
      const values: Record<string, Raw> = {
        item: i + 1,
        location: k + 1,
        quantityonhand: onHand,
        quantitycommitted: Math.min(onHand, committed(i, k)),
        quantityavailable: onHand - Math.min(onHand, committed(i, k)),
      };
      return values[column] ?? null;
    },
    narrow: (column, ids) =>
      column === 'item' ? ids.flatMap((id) => Array.from({ length: L }, (_, k) => (id - 1) * L + k)) : undefined,
  };
}

/** `make(i)` remembering the last one: columns are read one at a time, so a row costs one call. */
function lastMemo<T>(make: (i: number) => T): (i: number) => T {
  let last: { i: number; value: T } | undefined;
  return (i) => {
    if (last?.i !== i) last = { i, value: make(i) };
    return last.value;
  };
}

/** `data.order(o)` remembering the last one: a row costs one order(). */
export function lastOrderMemo(data: AccountDataset): (o: number) => OrderModel {
  return lastMemo((o) => data.order(o));
}

function transactionTable({ data }: NetSuiteData): Table {
  const orderOf = lastOrderMemo(data);
  return {
    columns: {
      id: 'number',
      tranid: 'text',
      type: 'text',
      status: 'text',
      trandate: 'date',
      createddate: 'datetime',
      lastmodifieddate: 'datetime',
      entity: 'number',
      location: 'number',
      currency: 'number',
      foreigntotal: 'number',
    },
    count: () => data.orderCount,
    get: (o, column) => {
      switch (column) {
        case 'id':
          return o + 1;
        case 'tranid':
          return `${transactionType(data, o) === 'CashSale' ? 'CS' : 'SO'}${o + 1}`;
        case 'type':
          return transactionType(data, o);
        case 'status':
          return transactionStatus(data, o);
        case 'trandate':
        case 'createddate':
          return orderOf(o).createdAt;
        case 'lastmodifieddate':
          return data.orderTimeline.time(o);
        case 'entity':
          return orderOf(o).customerIndex + 1;
        case 'location':
          return data.orderLocation(o) + 1;
        case 'currency':
          return 1;
        case 'foreigntotal':
          return money(orderOf(o).totalCents);
        default:
          return null;
      }
    },
  };
}

/** The header tables SuiteQL can read, by lowercase name (transaction lines live in netsuite-lines.ts). */
export const HEADER_TABLES: Readonly<Record<string, (ns: NetSuiteData) => Table>> = {
  location: locationTable,
  item: itemTable,
  inventoryitemlocations: inventoryTable,
  transaction: transactionTable,
};
