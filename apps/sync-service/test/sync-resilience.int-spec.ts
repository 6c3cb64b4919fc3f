import fc from 'fast-check';
import { eventually } from '@shelflink/testing';
import { ProviderGuards } from '../src/provider/provider-guards.service.js';
import type { CanonicalRecord } from '../src/pullers/puller.port.js';
import { RecordsRepository } from '../src/records/records.repository.js';
import { addFault, clearFaults, exportEntity, mintShopifyToken } from './sandbox-accounts.js';
import { shopifyConnection } from './fake-auth.responder.js';
import { connectSquareMerchant, startSyncHarness, type SyncHarness } from './sync-harness.js';

const TENANT = 'tenant-res';

describe('sync resilience against the sandbox (int)', () => {
  let harness: SyncHarness;

  beforeAll(async () => {
    harness = await startSyncHarness({
      env: {
        SYNC_PAGE_SIZE: '100',
        SYNC_RETRY_MAX_ATTEMPTS: '3',
        SYNC_BREAKER_VOLUME: '3',
        SYNC_BREAKER_RESET_MS: '5000',
        SYNC_BREAKER_WINDOW_MS: '60000',
      },
    });
    for (const account of ['MRESA', 'MRESB'])
      await connectSquareMerchant(harness, TENANT, { account, locations: 2, products: 50, orders: 500 });
    const shop = 'res-shop.myshopify.com';
    harness.sandbox.registerAccount({ provider: 'shopify', account: shop, locations: 2, products: 20, orders: 450 });
    harness.auth.connections.set(
      'conn-shop',
      shopifyConnection('conn-shop', TENANT, shop, await mintShopifyToken(harness.sandbox.url, shop)),
    );
  });

  afterAll(async () => {
    await harness?.close();
  });

  afterEach(async () => {
    await clearFaults(harness.sandbox.url);
  });

  it('5xx opens the account breaker (no calls while open), other accounts keep syncing, and it closes after recovery', async () => {
    const breakers = harness.app.get(ProviderGuards).breakers;
    await addFault(harness.sandbox.url, {
      provider: 'square',
      account: 'MRESA',
      kind: 'status5xx',
      status: 503,
      count: 0,
    });
    const [failed] = await harness.syncNow(TENANT, 'conn-MRESA', { streams: ['orders'] });
    expect(failed?.status).toBe('failed');
    expect(breakers.state('square:MRESA')).toBe('open');

    const before = harness.sandbox.ledger({ provider: 'square', account: 'MRESA' }).length;
    const [whileOpen] = await harness.syncNow(TENANT, 'conn-MRESA', { streams: ['orders'] });
    const [other] = await harness.syncNow(TENANT, 'conn-MRESB', { streams: ['orders'] });
    expect(whileOpen).toMatchObject({ status: 'failed', errorCode: 'PROVIDER_UNAVAILABLE' });
    expect(harness.sandbox.ledger({ provider: 'square', account: 'MRESA' }).length).toBe(before);
    expect(other).toMatchObject({ status: 'succeeded', records: 500 });
    expect(breakers.state('square:MRESB')).toBe('closed');

    await clearFaults(harness.sandbox.url);
    await eventually(() => breakers.state('square:MRESA') !== 'open', 20_000);
    const [recovered] = await harness.syncNow(TENANT, 'conn-MRESA', { streams: ['orders'] });
    expect(recovered).toMatchObject({ status: 'succeeded', records: 500 });
    expect(breakers.state('square:MRESA')).toBe('closed');
  });

  it('429s do not open the breaker, and no request is sent before a Retry-After has passed', async () => {
    const breakers = harness.app.get(ProviderGuards).breakers;
    await addFault(harness.sandbox.url, {
      provider: 'square',
      account: 'MRESB',
      kind: 'status429',
      retryAfter: 1,
      count: 2,
    });
    const before = harness.sandbox.ledger({ provider: 'square', account: 'MRESB' }).length;
    const [run] = await harness.syncNow(TENANT, 'conn-MRESB', { streams: ['orders'], mode: 'full' });
    expect(run).toMatchObject({ status: 'succeeded', records: 500 });
    expect(breakers.state('square:MRESB')).toBe('closed');
    const entries = harness.sandbox.ledger({ provider: 'square', account: 'MRESB' }).slice(before);
    const limited = entries.filter((e) => e.status === 429);
    expect(limited).toHaveLength(2);
    for (const entry of limited) {
      // The ledger stamps a request when it is answered, which for these endpoints is when it arrives.
      const until = Number(entry.retryAfterUntil);
      const next = entries.find((e) => e.seq > entry.seq);
      expect(next !== undefined && next.at >= until).toBe(true);
    }
  });

  it('an expired Shopify cursor restarts the chain from the checkpoint and still yields exactly the shop', async () => {
    await addFault(harness.sandbox.url, { provider: 'shopify', kind: 'expireCursor', count: 1 });
    const [run] = await harness.syncNow(TENANT, 'conn-shop', { streams: ['orders'] });
    expect(run?.status).toBe('succeeded');
    const expected = (await exportEntity(harness.sandbox.url, 'shopify', 'res-shop.myshopify.com', 'orders')).map((o) =>
      String(o.id),
    );
    const rows = await harness.dataSource.query<{ external_id: string }[]>(
      `SELECT external_id FROM sync.orders WHERE connection_id = 'conn-shop'`,
    );
    expect(rows.map((r) => r.external_id).sort()).toEqual(expected.sort());
  });

  it('out-of-order follow-ups and pulls of one record end at its newest source version (property)', async () => {
    const records = harness.app.get(RecordsRepository);
    const source = { tenantId: TENANT, connectionId: 'conn-prop', provider: 'square' };
    const version = (externalId: string, v: number): CanonicalRecord => ({
      externalId,
      sourceVersion: String(v),
      sourceUpdatedAt: new Date(Date.UTC(2026, 0, 1) + v * 1000).toISOString(),
      deleted: false,
      columns: { location_external_id: 'L1', state: 'OPEN', currency: 'USD', total_minor: String(v * 100) },
      data: { version: v },
    });
    let round = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(fc.integer({ min: 1, max: 1000 }), { minLength: 1, maxLength: 12 }),
        fc.array(fc.boolean(), { minLength: 12, maxLength: 12 }),
        fc.boolean(),
        async (versions, viaPull, concurrent) => {
          const externalId = `ORD-${round++}`;
          const apply = (v: number, i: number) =>
            harness.dataSource.transaction((manager) =>
              records.upsertBatch(
                manager,
                'orders',
                source,
                viaPull[i] ? [version(`${externalId}-other`, v), version(externalId, v)] : [version(externalId, v)],
              ),
            );
          if (concurrent) await Promise.all(versions.map(apply));
          else for (const [i, v] of versions.entries()) await apply(v, i);
          const [row] = await harness.dataSource.query<{ v: string; t: string; data: { version: number } }[]>(
            `SELECT source_version::text AS v, total_minor::text AS t, data FROM sync.orders WHERE connection_id = 'conn-prop' AND external_id = $1`,
            [externalId],
          );
          const newest = Math.max(...versions);
          expect(row).toEqual({ v: String(newest), t: String(newest * 100), data: { version: newest } });
        },
      ),
      { numRuns: 40 },
    );
  });
});
