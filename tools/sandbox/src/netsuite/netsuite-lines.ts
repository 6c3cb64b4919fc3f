import type { AccountDataset, OrderModel } from '../dataset/dataset.js';
import { lastOrderMemo, type NetSuiteData, type Raw, type Table } from './netsuite-tables.js';

// Row offsets of each transaction's lines (a mainline row plus one per item line), rebuilt when orders are added.
const offsets = new WeakMap<AccountDataset, Uint32Array>();

function lineOffsets(data: AccountDataset): Uint32Array {
  const cached = offsets.get(data);
  if (cached && cached.length === data.orderCount + 1) return cached;
  const starts = new Uint32Array(data.orderCount + 1);
  for (let o = 0; o < data.orderCount; o++) starts[o + 1] = (starts[o] ?? 0) + 1 + data.lineCount(o);
  offsets.set(data, starts);
  return starts;
}

function owner(starts: Uint32Array, pos: number): number {
  let lo = 0;
  let hi = starts.length - 2;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if ((starts[mid] ?? 0) <= pos) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

// Item-line columns; the mainline (n = 0) carries only the (negative) order total.
function lineValue(order: OrderModel, n: number, column: string): Raw {
  const line = n === 0 ? undefined : order.lines[n - 1];
  if (column === 'netamount')
    return line ? String((-line.quantity * line.unitPriceCents) / 100) : String(-order.totalCents / 100);
  if (!line) return null;
  if (column === 'item') return line.productIndex + 1;
  if (column === 'quantity') return -line.quantity;
  return column === 'rate' ? String(line.unitPriceCents / 100) : null;
}

/**
 * `transactionline`: per transaction a mainline row (`mainline = 'T'`, line id 0) and one row per item line. Sales
 * lines carry negative quantities and amounts, as NetSuite stores them (items leave stock).
 */
export function transactionLineTable({ data }: NetSuiteData): Table {
  const orderOf = lastOrderMemo(data);
  return {
    columns: {
      transaction: 'number',
      id: 'number',
      uniquekey: 'number',
      linesequencenumber: 'number',
      mainline: 'text',
      item: 'number',
      quantity: 'number',
      rate: 'number',
      netamount: 'number',
      location: 'number',
    },
    count: () => lineOffsets(data)[data.orderCount] ?? 0,
    // Only what the column needs: a filter on `mainline` over every row must not render each order.
    get: (pos, column) => {
      const starts = lineOffsets(data);
      const o = owner(starts, pos);
      const n = pos - (starts[o] ?? 0);
      switch (column) {
        case 'transaction':
          return o + 1;
        case 'id':
        case 'linesequencenumber':
          return n;
        case 'uniquekey':
          return pos + 1;
        case 'mainline':
          return n === 0 ? 'T' : 'F';
        case 'location':
          return data.orderLocation(o) + 1;
        default:
          return lineValue(orderOf(o), n, column);
      }
    },
    narrow: (column, ids) => {
      if (column !== 'transaction') return undefined;
      const starts = lineOffsets(data);
      return ids.flatMap((id) => {
        const from = starts[id - 1];
        const to = starts[id];
        return from === undefined || to === undefined ? [] : Array.from({ length: to - from }, (_, n) => from + n);
      });
    },
  };
}
