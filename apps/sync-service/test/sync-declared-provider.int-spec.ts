// A provider added in the providers config file alone (kind oauth2, cursor paging, an items path, streams mapped to
// canonical entities field by field) syncs with no code of its own: against the sandbox WMS, a warehouse system's API.
import { mintOAuth2Token } from '@shelflink/sandbox';
import { exportEntity } from './sandbox-accounts.js';
import { startSyncHarness, type SyncHarness } from './sync-harness.js';

const TENANT = 'tenant-wms';
const ACCOUNT = 'acme-dc-east';
const CONNECTION = 'conn-acme-wms';
const WMS_APP = {
  provider: 'oauth2' as const,
  clientId: 'sync-test-wms',
  clientSecret: 'sync-test-wms-secret',
  redirectUris: ['http://127.0.0.1/callback'],
};

const sorted = (values: Iterable<string>): string[] => [...values].sort();
const updatedMs = (row: Record<string, unknown>): number => Date.parse(String(row.updated_at));

async function mutateProducts(sandboxUrl: string, products: number): Promise<void> {
  const response = await fetch(`${sandboxUrl}/_admin/data/mutate`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ provider: 'oauth2', account: ACCOUNT, products }),
  });
  if (!response.ok) throw new Error(`mutate failed (${response.status})`);
}

describe('a provider declared in configuration only (int)', () => {
  let harness: SyncHarness;

  beforeAll(async () => {
    harness = await startSyncHarness({
      env: {
        PROVIDERS_CONFIG: 'apps/sync-service/test/fixtures/providers.declared-wms.json',
        SYNC_PAGE_SIZE: '40',
        SYNC_RATE_LIMITS: JSON.stringify({ 'acme-wms': { capacity: 100, refillPerSecond: 100 } }),
      },
    });
    harness.sandbox.registerApp(WMS_APP);
    harness.sandbox.registerAccount({ provider: 'oauth2', account: ACCOUNT, locations: 3, products: 30 });
    const token = await mintOAuth2Token(harness.sandbox.url, WMS_APP, ACCOUNT, 'stock.read');
    harness.auth.connections.set(CONNECTION, {
      summary: {
        id: CONNECTION,
        tenantId: TENANT,
        provider: 'acme-wms',
        alias: 'east',
        status: 'active',
        metadata: {},
      },
      headers: { Authorization: `Bearer ${token}` },
    });
  });

  afterAll(async () => {
    await harness?.close();
  });

  async function stockRows(): Promise<string[]> {
    const rows = await harness.dataSource.query<
      { external_id: string; quantity: string; data: { allocated: string } }[]
    >(`SELECT external_id, quantity, data FROM sync.inventory_levels WHERE connection_id = $1 AND deleted_at IS NULL`, [
      CONNECTION,
    ]);
    return sorted(rows.map((r) => `${r.external_id}|${r.quantity}|${r.data.allocated}`));
  }

  async function exportedStock(): Promise<string[]> {
    const stock = await exportEntity(harness.sandbox.url, 'oauth2', ACCOUNT, 'stock');
    return sorted(
      stock.map((s) => `${String(s.sku)}@${String(s.warehouse_id)}|${String(s.on_hand)}|${String(s.allocated)}`),
    );
  }

  it('a full sync pages through the cursor and equals the WMS; a second run fetches only what changed', async () => {
    const runs = await harness.syncNow(TENANT, CONNECTION);
    expect(runs.map((run) => [run.stream, run.status, run.errorCode])).toEqual([
      ['locations', 'succeeded', null],
      ['inventory', 'succeeded', null],
    ]);

    const warehouses = await exportEntity(harness.sandbox.url, 'oauth2', ACCOUNT, 'warehouses');
    const locations = await harness.dataSource.query<{ external_id: string; name: string }[]>(
      `SELECT external_id, name FROM sync.locations WHERE connection_id = $1`,
      [CONNECTION],
    );
    expect(sorted(locations.map((l) => `${l.external_id}|${l.name}`))).toEqual(
      sorted(warehouses.map((w) => `${String(w.id)}|${String(w.name)}`)),
    );

    const expected = await exportedStock();
    expect(await stockRows()).toEqual(expected);
    const stockCalls = harness.sandbox.ledger({ provider: 'wms', endpoint: 'wms.stock' });
    // Pages of SYNC_PAGE_SIZE rows, each after the first asked for with the cursor the one before returned.
    expect(stockCalls).toHaveLength(Math.ceil(expected.length / 40));
    expect(stockCalls.every((call) => call.status === 200)).toBe(true);

    const watermark = Math.max(...(await exportEntity(harness.sandbox.url, 'oauth2', ACCOUNT, 'stock')).map(updatedMs));
    await mutateProducts(harness.sandbox.url, 2);
    const before = harness.sandbox.ledger({ provider: 'wms', endpoint: 'wms.stock' }).length;
    const [second] = await harness.syncNow(TENANT, CONNECTION, { streams: ['inventory'] });
    const calls = harness.sandbox.ledger({ provider: 'wms', endpoint: 'wms.stock' }).slice(before);
    expect(second).toMatchObject({ status: 'succeeded', errorCode: null });
    expect(calls).toHaveLength(1);
    // updated_since is inclusive: the rows at the old watermark come back beside the two products' changed rows.
    const fresh = await exportEntity(harness.sandbox.url, 'oauth2', ACCOUNT, 'stock');
    expect(second?.records).toBe(fresh.filter((row) => updatedMs(row) >= watermark).length);
    expect(second?.changed).toBe(fresh.filter((row) => updatedMs(row) > watermark).length);
    expect(second?.changed).toBeGreaterThan(0);
    expect(await stockRows()).toEqual(await exportedStock());
  });

  it('a full resync of the declared streams changes nothing', async () => {
    const runs = await harness.syncNow(TENANT, CONNECTION, { mode: 'full' });
    expect(runs.map((run) => [run.stream, run.status, run.changed])).toEqual([
      ['locations', 'succeeded', 0],
      ['inventory', 'succeeded', 0],
    ]);
  });
});
