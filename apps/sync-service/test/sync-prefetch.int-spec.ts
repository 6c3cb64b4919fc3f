import { addFault, exportEntity } from './sandbox-accounts.js';
import { connectSquareMerchant, startSyncHarness, type SyncHarness } from './sync-harness.js';

const TENANT = 'tenant-prefetch';
const PAGE = 100;

async function storedOrders(harness: SyncHarness, connectionId: string): Promise<string[]> {
  const rows = await harness.dataSource.query<{ external_id: string; v: string }[]>(
    `SELECT external_id, source_version::text AS v FROM sync.orders WHERE connection_id = $1`,
    [connectionId],
  );
  return rows.map((r) => `${r.external_id}|${r.v}`).sort();
}

async function sandboxOrders(harness: SyncHarness, merchant: string): Promise<string[]> {
  const orders = await exportEntity(harness.sandbox.url, 'square', merchant, 'orders');
  return orders.map((o) => `${String(o.id)}|${String(o.version)}`).sort();
}

// SYNC_PREFETCH_NEXT_PAGE: the next page is fetched while the current one commits; the data and the searches sent
// must be those of the one-page-at-a-time loop.
describe('sync with the next page prefetched (int)', () => {
  let harness: SyncHarness;

  beforeAll(async () => {
    harness = await startSyncHarness({ env: { SYNC_PAGE_SIZE: String(PAGE), SYNC_PREFETCH_NEXT_PAGE: 'true' } });
    for (const account of ['MPREA', 'MPREB'])
      await connectSquareMerchant(harness, TENANT, { account, locations: 3, products: 30, orders: 900 });
  });

  afterAll(async () => {
    await harness?.close();
  });

  it('stores exactly the sandbox orders with one search per page of each location', async () => {
    const [run] = await harness.syncNow(TENANT, 'conn-MPREA', { streams: ['orders'] });
    expect(run).toMatchObject({ status: 'succeeded', records: 900 });
    expect(await storedOrders(harness, 'conn-MPREA')).toEqual(await sandboxOrders(harness, 'MPREA'));

    const perLocation = new Map<string, number>();
    for (const order of await exportEntity(harness.sandbox.url, 'square', 'MPREA', 'orders'))
      perLocation.set(String(order.location_id), (perLocation.get(String(order.location_id)) ?? 0) + 1);
    const pages = [...perLocation.values()].reduce((sum, n) => sum + Math.ceil(n / PAGE), 0);
    const searches = harness.sandbox
      .ledger({ provider: 'square', account: 'MPREA', endpoint: 'square.orders.search' })
      .filter((e) => e.status === 200).length;
    expect(searches).toBe(pages);
  });

  it('an expired cursor on a prefetched page restarts the chain and still yields exactly the merchant', async () => {
    await addFault(harness.sandbox.url, { provider: 'square', account: 'MPREB', kind: 'expireCursor', count: 1 });
    const [run] = await harness.syncNow(TENANT, 'conn-MPREB', { streams: ['orders'] });
    expect(run?.status).toBe('succeeded');
    expect(await storedOrders(harness, 'conn-MPREB')).toEqual(await sandboxOrders(harness, 'MPREB'));
  });
});
