import { catalogGtin } from '../dataset/dataset.js';
import { hash32, stringHash } from '../util/prng.js';
import type { NetSuiteData } from './netsuite-tables.js';
import { transactionType } from './netsuite-tables.js';

/** A record type of the REST record API: how many ids it has and how one renders. */
export interface RecordType {
  /** Internal ids in ascending order (positions → ids). */
  ids(ns: NetSuiteData): { count: number; idAt: (n: number) => number };
  has(ns: NetSuiteData, id: number): boolean;
  render(ns: NetSuiteData, id: number, self: string, expand: boolean): Record<string, unknown>;
}

const CUSTOMERS = 25;
// REST record timestamps are ISO 8601 UTC to the second; date fields are YYYY-MM-DD.
const restTime = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const restDate = (ms: number): string => new Date(ms).toISOString().slice(0, 10);
const ref = (id: number | string, refName?: string): object => ({ id: String(id), ...(refName ? { refName } : {}) });
const range = (count: number): { count: number; idAt: (n: number) => number } => ({ count, idAt: (n) => n + 1 });

function transactionsOf(type: 'SalesOrd' | 'CashSale'): RecordType {
  // Ids of one type, computed once per dataset size (a sales order list must not re-scan 20,000 orders per page).
  const cache = new WeakMap<object, { upTo: number; ids: number[] }>();
  const idsOf = ({ data }: NetSuiteData): number[] => {
    const hit = cache.get(data) ?? { upTo: 0, ids: [] };
    for (let o = hit.upTo; o < data.orderCount; o++) if (transactionType(data, o) === type) hit.ids.push(o + 1);
    hit.upTo = data.orderCount;
    cache.set(data, hit);
    return hit.ids;
  };
  return {
    ids: (ns) => {
      const ids = idsOf(ns);
      return { count: ids.length, idAt: (n) => ids[n] ?? 0 };
    },
    has: ({ data }, id) => id >= 1 && id <= data.orderCount && transactionType(data, id - 1) === type,
    render: ({ data }, id, self, expand) => {
      const o = id - 1;
      const order = data.order(o);
      const lines = order.lines.map((line, n) => ({
        line: n + 1,
        item: ref(line.productIndex + 1, data.productName(line.productIndex)),
        quantity: line.quantity,
        rate: line.unitPriceCents / 100,
        amount: (line.quantity * line.unitPriceCents) / 100,
      }));
      return {
        links: [{ rel: 'self', href: self }],
        id: String(id),
        tranId: `${type === 'CashSale' ? 'CS' : 'SO'}${id}`,
        tranDate: restDate(order.createdAt),
        createdDate: restTime(order.createdAt),
        lastModifiedDate: restTime(data.orderTimeline.time(o)),
        entity: ref(order.customerIndex + 1),
        location: ref(data.orderLocation(o) + 1, data.location(data.orderLocation(o)).name),
        currency: ref(1, 'USD'),
        total: order.totalCents / 100,
        item: expand
          ? { links: [], items: lines, totalResults: lines.length }
          : { links: [{ rel: 'self', href: `${self}/item` }] },
      };
    },
  };
}

/** The record types the sandbox serves under /record/v1/{type}. */
export const RECORD_TYPES: Readonly<Record<string, RecordType>> = {
  customer: {
    ids: () => range(CUSTOMERS),
    has: (_ns, id) => id >= 1 && id <= CUSTOMERS,
    render: ({ data }, id, self) => {
      const h = hash32(stringHash(String(data.options.seed)), id);
      return {
        links: [{ rel: 'self', href: self }],
        id: String(id),
        entityId: `CUST${String(id).padStart(5, '0')}`,
        companyName: `Customer ${id} LLC`,
        email: `customer${id}@example.com`,
        dateCreated: restTime(Date.UTC(2025, 0, 1) + (h % 300) * 86_400_000),
        lastModifiedDate: restTime(Date.UTC(2025, 10, 1) + (h % 50) * 86_400_000),
      };
    },
  },
  location: {
    ids: ({ data }) => range(data.options.locations),
    has: ({ data }, id) => id >= 1 && id <= data.options.locations,
    render: ({ data }, id, self) => {
      const loc = data.location(id - 1);
      return {
        links: [{ rel: 'self', href: self }],
        id: String(id),
        name: loc.name,
        isInactive: false,
        mainAddress: {
          links: [],
          addr1: loc.street,
          city: loc.city,
          state: loc.region,
          zip: loc.postalCode,
          country: 'US',
        },
        lastModifiedDate: restTime(loc.createdAt),
      };
    },
  },
  inventoryItem: {
    ids: ({ data }) => range(data.options.products),
    has: ({ data }, id) => id >= 1 && id <= data.options.products,
    render: ({ data, seed }, id, self) => {
      const p = data.product(id - 1);
      return {
        links: [{ rel: 'self', href: self }],
        id: String(id),
        itemId: p.variants[0]?.sku,
        displayName: p.name,
        upcCode: catalogGtin(seed, id - 1),
        basePrice: (p.variants[0]?.priceCents ?? 0) / 100,
        isInactive: false,
        createdDate: restTime(p.createdAt),
        lastModifiedDate: restTime(p.updatedAt),
      };
    },
  },
  salesOrder: transactionsOf('SalesOrd'),
  cashSale: transactionsOf('CashSale'),
};
