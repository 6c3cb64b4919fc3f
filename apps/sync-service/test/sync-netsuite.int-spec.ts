import type { SyncRunView } from '@shelflink/contracts';
import { netsuiteRealm, signTbaRequest } from '@shelflink/providers';
import { netsuiteConnection, plytixConnection } from './fake-auth.responder.js';
import { expectEqualsNetSuiteExport, netsuiteSizes } from './netsuite-export.js';
import {
  exportEntity,
  mintNetSuiteToken,
  mutateOrders,
  mutateProducts,
  NETSUITE_APP,
  PLYTIX_APP,
  plytixLogin,
} from './sandbox-accounts.js';
import { startSyncHarness, type SyncHarness } from './sync-harness.js';

type Json = Record<string, unknown>;
const TENANT = 'tenant-ns';
// Sizes scale by env so CI stays fast; SHELFLINK_FULL_SIZES=1 pulls the 25,000 items and 20,000 orders.
const { items: ITEMS, orders: ORDERS, full: FULL } = netsuiteSizes({ items: 2000, orders: 1500 });
// The full sizes take minutes on a loaded box: their runs get longer to finish.
const WAIT_MS = FULL ? 1_500_000 : 100_000;
const TEST_MS = FULL ? 3_000_000 : undefined;
// Small enough that the item and order queries are cut into several date windows.
const MAX_ROWS = Math.max(200, Math.floor(ITEMS / 3));
const TBA = { tokenId: 'sync-test-token', tokenSecret: 'sync-test-token-secret' };

const sorted = (values: Iterable<string>): string[] => [...values].sort();
const rows = (harness: SyncHarness, table: string, connectionId: string): Promise<Json[]> =>
  harness.dataSource.query(`SELECT * FROM sync.${table} WHERE connection_id = $1`, [connectionId]);
// Postgres jsonb reorders keys: compare objects with their keys sorted.
const canonical = (value: Json): string => JSON.stringify(Object.fromEntries(Object.entries(value).sort()));

/** One line of figures per sync (bench/RESULTS.md records the full sizes'): runs, SuiteQL calls, refusals. */
function printFigures(harness: SyncHarness, label: string, account: string, runs: SyncRunView[], since = 0): void {
  const calls = harness.sandbox
    .ledger({ provider: 'netsuite' })
    .slice(since)
    .filter((e) => e.account === account);
  const figures = {
    label,
    items: ITEMS,
    orders: ORDERS,
    runs: runs.map((run) => ({ stream: run.stream, pages: run.pages, records: run.records, ms: run.durationMs })),
    suiteql: calls.filter((e) => e.endpoint === 'netsuite.suiteql').length,
    refused: calls.filter((e) => e.status === 429).length,
  };
  process.stdout.write(`NETSUITE_FIGURES ${JSON.stringify(figures)}\n`);
}

/** Every synced table of the connection against the sandbox export. */
function expectEqualsExport(harness: SyncHarness, account: string, connectionId: string): Promise<void> {
  const synced = (table: string): Promise<Json[]> => rows(harness, table, connectionId);
  return expectEqualsNetSuiteExport(harness.sandbox.url, account, synced, ITEMS);
}

describe('NetSuite and Plytix syncs against the sandbox (int)', () => {
  let harness: SyncHarness;

  beforeAll(async () => {
    harness = await startSyncHarness({
      env: {
        SYNC_SUITEQL_MAX_ROWS: String(MAX_ROWS),
        SYNC_RATE_LIMITS: JSON.stringify({ netsuite: { capacity: 10, refillPerSecond: 200 } }),
        // The TBA account allows 2 requests in flight: four streams with pages read ahead would exceed it unshared.
        SYNC_CONCURRENCY_LIMITS: JSON.stringify({ netsuite: 2 }),
      },
    });
    harness.sandbox.registerApp(NETSUITE_APP);
    harness.sandbox.registerApp(PLYTIX_APP);
  });

  afterAll(async () => {
    await harness?.close();
  });

  it(
    'TBA: a full sync equals the export; after 50 changes an incremental run fetches only those',
    async () => {
      const account = '1234567_SB1';
      harness.sandbox.registerAccount({
        provider: 'netsuite',
        account,
        locations: 3,
        products: ITEMS,
        orders: ORDERS,
        tbaTokens: [TBA],
        concurrencyLimit: 2,
      });
      const sign = (method: string, url: string): Record<string, string> => ({
        Authorization: signTbaRequest({
          method,
          url,
          realm: netsuiteRealm(account),
          consumerKey: NETSUITE_APP.clientId,
          consumerSecret: NETSUITE_APP.clientSecret,
          ...TBA,
        }),
      });
      harness.auth.connections.set('conn-ns-tba', netsuiteConnection('conn-ns-tba', TENANT, account, { sign }));

      const runs = await harness.syncNow(TENANT, 'conn-ns-tba', { waitMs: WAIT_MS });
      printFigures(harness, 'tba full', account, runs);
      expect(runs.map((run) => [run.stream, run.status, run.errorCode])).toEqual(
        ['locations', 'products', 'inventory', 'orders'].map((stream) => [stream, 'succeeded', null]),
      );
      await expectEqualsExport(harness, account, 'conn-ns-tba');
      const ledger = harness.sandbox.ledger({ provider: 'netsuite' });
      expect(ledger.every((e) => e.authKind === 'oauth1' && e.status === 200)).toBe(true);
      // The concurrency budget held: NetSuite refused nothing (provider-slots.int-spec.ts shows the budget itself).
      const governance = (await (await fetch(`${harness.sandbox.url}/_admin/netsuite/governance`)).json()) as {
        accounts: { account: string; peak: number; refused: number }[];
      };
      expect(governance.accounts.find((a) => a.account === account)).toMatchObject({ refused: 0 });

      await mutateProducts(harness.sandbox.url, 'netsuite', account, 50);
      await mutateOrders(harness.sandbox.url, 'netsuite', account, 50);
      const before = harness.sandbox.ledger({ provider: 'netsuite' }).length;
      const again = await harness.syncNow(TENANT, 'conn-ns-tba', { streams: ['products', 'orders'] });
      const calls = harness.sandbox.ledger({ provider: 'netsuite' }).slice(before);
      printFigures(harness, 'tba incremental after 50 changes', account, again, before);
      expect(again.map((run) => [run.stream, run.status, run.changed])).toEqual([
        ['products', 'succeeded', 50],
        ['orders', 'succeeded', 50],
      ]);
      // Only the changed rows (plus any sharing the watermark's second) come back: one probe and one page each, and
      // one page of the orders' lines.
      for (const run of again) expect(run.records).toBeLessThan(60);
      expect(calls.filter((e) => e.endpoint === 'netsuite.suiteql')).toHaveLength(5);
      // Stock moved with the changed items: inventory has no modification date and is read whole.
      const [inventory] = await harness.syncNow(TENANT, 'conn-ns-tba', { streams: ['inventory'], waitMs: WAIT_MS });
      expect(inventory?.status).toBe('succeeded');
      await expectEqualsExport(harness, account, 'conn-ns-tba');
    },
    TEST_MS,
  );

  it(
    'OAuth 2.0: a full sync with a bearer token equals the export',
    async () => {
      const account = '7654321';
      harness.sandbox.registerAccount({ provider: 'netsuite', account, locations: 3, products: ITEMS, orders: ORDERS });
      const bearer = await mintNetSuiteToken(harness.sandbox.url, account);
      harness.auth.connections.set('conn-ns-oauth', netsuiteConnection('conn-ns-oauth', TENANT, account, { bearer }));
      const runs = await harness.syncNow(TENANT, 'conn-ns-oauth', { waitMs: WAIT_MS });
      printFigures(harness, 'oauth2 full', account, runs);
      expect(runs.every((run) => run.status === 'succeeded')).toBe(true);
      await expectEqualsExport(harness, account, 'conn-ns-oauth');
      const accountCalls = harness.sandbox.ledger({ provider: 'netsuite' }).filter((e) => e.account === account);
      expect(accountCalls.filter((e) => e.endpoint === 'netsuite.suiteql').every((e) => e.authKind === 'bearer')).toBe(
        true,
      );
    },
    TEST_MS,
  );

  it('Plytix: a sync across token expiries equals the export and stays inside the 20 per 10 s window', async () => {
    const products = Number(process.env.PLYTIX_SYNC_PRODUCTS ?? 2500);
    // Three-second tokens: the run outlasts several (the window lets ~2 requests a second through).
    harness.sandbox.registerAccount({
      provider: 'plytix',
      account: PLYTIX_APP.clientId,
      products,
      accessTokenTtlSeconds: 3,
    });
    const login = (): Promise<string> => plytixLogin(harness.sandbox.url);
    harness.auth.connections.set('conn-plytix', plytixConnection('conn-plytix', TENANT, await login(), login));

    const [run] = await harness.syncNow(TENANT, 'conn-plytix');
    expect([run?.stream, run?.status, run?.errorCode]).toEqual(['products', 'succeeded', null]);

    const exported = await exportEntity(harness.sandbox.url, 'plytix', PLYTIX_APP.clientId, 'products');
    const expected = exported.map(
      (p) =>
        `${String(p.id)}|${String(p.sku)}|${String(p.gtin)}|${canonical(p.attributes as Json)}|${new Date(String(p.modified)).toISOString()}`,
    );
    const synced = (await rows(harness, 'products', 'conn-plytix')).map((r) => {
      const data = r.data as { attributes: Json; variants: { sku: string; gtin: string }[] };
      const [v] = data.variants;
      return `${String(r.external_id)}|${v?.sku}|${v?.gtin}|${canonical(data.attributes)}|${(r.source_updated_at as Date).toISOString()}`;
    });
    expect(sorted(synced)).toEqual(sorted(expected));

    const ledger = harness.sandbox.ledger({ provider: 'plytix' });
    const api = ledger.filter((e) => e.endpoint !== 'plytix.getToken');
    // The token expired mid-run (refused), and each refusal led to one new login before the page was read again.
    expect(api.some((e) => e.status === 401)).toBe(true);
    expect(ledger.filter((e) => e.endpoint === 'plytix.getToken').length).toBeGreaterThan(1);
    expect(api.filter((e) => e.status === 429)).toEqual([]);
    const counted = api.filter((e) => e.status !== 401);
    const busiest = Math.max(...counted.map((e) => counted.filter((o) => o.at > e.at - 10_000 && o.at <= e.at).length));
    expect(busiest).toBeLessThanOrEqual(20);
  });
});
