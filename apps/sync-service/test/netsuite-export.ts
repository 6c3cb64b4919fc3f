// Test support: a NetSuite connection's synced tables against the sandbox's export, and the sizes the NetSuite tests
// pull (modest by default so CI stays fast; the full sizes with SHELFLINK_FULL_SIZES=1).
import { exportEntity } from './sandbox-accounts.js';

type Json = Record<string, unknown>;

/** Reads one synced table (`products`, `orders`, ...) of the connection under test. */
export type SyncedRows = (table: string) => Promise<Json[]>;

const FULL = process.env.SHELFLINK_FULL_SIZES === '1';

/**
 * Items and sales orders a NetSuite test pulls: the 25,000 / 20,000 with SHELFLINK_FULL_SIZES=1, else the
 * test's own defaults; NETSUITE_SYNC_ITEMS / NETSUITE_SYNC_ORDERS override either.
 */
export function netsuiteSizes(defaults: { items: number; orders: number }): {
  items: number;
  orders: number;
  full: boolean;
} {
  return {
    items: Number(process.env.NETSUITE_SYNC_ITEMS ?? (FULL ? 25_000 : defaults.items)),
    orders: Number(process.env.NETSUITE_SYNC_ORDERS ?? (FULL ? 20_000 : defaults.orders)),
    full: FULL,
  };
}

const sorted = (values: Iterable<string>): string[] => [...values].sort();
const cents = (decimal: unknown): string => String(Math.round(Number(decimal) * 100));

/** Every synced table against the sandbox export, in the form both can be read in. */
export async function expectEqualsNetSuiteExport(
  sandboxUrl: string,
  account: string,
  synced: SyncedRows,
  items: number,
): Promise<void> {
  const exported = (table: string): Promise<Json[]> => exportEntity(sandboxUrl, 'netsuite', account, table);

  const locations = (await exported('location')).map((l) => `${String(l.id)}|${String(l.name)}`);
  const syncedLocations = (await synced('locations')).map((r) => `${String(r.external_id)}|${String(r.name)}`);
  expect(sorted(syncedLocations)).toEqual(sorted(locations));

  const exportedItems = (await exported('item')).map(
    (i) => `${String(i.id)}|${String(i.itemid)}|${String(i.upccode)}|${cents(i.baseprice)}|${String(i.displayname)}`,
  );
  const syncedItems = (await synced('products')).map((r) => {
    const [v] = (r.data as { variants: { sku: string; gtin: string; price: { amountMinor: string } }[] }).variants;
    return `${String(r.external_id)}|${v?.sku}|${v?.gtin}|${v?.price.amountMinor}|${String(r.title)}`;
  });
  expect(syncedItems).toHaveLength(items);
  expect(sorted(syncedItems)).toEqual(sorted(exportedItems));

  const levels = (await exported('inventoryitemlocations')).map(
    (l) => `${String(l.item)}:${String(l.location)}|${String(l.quantityavailable)}`,
  );
  const syncedLevels = (await synced('inventory_levels')).map((r) => `${String(r.external_id)}|${String(r.quantity)}`);
  expect(sorted(syncedLevels)).toEqual(sorted(levels));

  const orders = exportedOrders(await exported('transaction'), await exported('transactionline'));
  const syncedOrders = (await synced('orders')).map((r) => {
    const data = r.data as {
      lineItems: { variantExternalId: string; quantity: string; unitPrice: { amountMinor: string } }[];
    };
    const lines = data.lineItems.map((l) => `${l.variantExternalId}x${l.quantity}@${l.unitPrice.amountMinor}`);
    return `${String(r.external_id)}|${String(r.source_version)}|${String(r.total_minor)}|${String(r.location_external_id)}|${lines.join(',')}`;
  });
  expect(syncedOrders.length).toBeGreaterThan(0);
  expect(sorted(syncedOrders)).toEqual(sorted(orders));
}

// Sales orders and cash sales with their item lines (NetSuite's negative sales quantities read as positive).
function exportedOrders(transactions: Json[], transactionLines: Json[]): string[] {
  const lines = new Map<string, string[]>();
  for (const line of transactionLines) {
    if (line.mainline === 'T') continue;
    const key = String(line.transaction);
    lines.set(key, [
      ...(lines.get(key) ?? []),
      `${String(line.item)}x${String(-Number(line.quantity))}@${cents(line.rate)}`,
    ]);
  }
  const second = (date: unknown): number => Date.parse(String(date)) - (Date.parse(String(date)) % 1000);
  return transactions
    .filter((t) => t.type === 'SalesOrd' || t.type === 'CashSale')
    .map(
      (t) =>
        `${String(t.id)}|${second(t.lastmodifieddate)}|${cents(t.foreigntotal)}|${String(t.location)}|${(lines.get(String(t.id)) ?? []).join(',')}`,
    );
}
