import type { CallView } from '@shelflink/contracts';
import { pathTemplate } from '@shelflink/observability';
import { eventually, tally } from '@shelflink/testing';
import { CallLogService } from '../src/call-log/call-log.service.js';
import { ProviderGuards } from '../src/provider/provider-guards.service.js';
import { addFault, clearFaults } from './sandbox-accounts.js';
import { connectSquareMerchant, startSyncHarness, type SyncHarness } from './sync-harness.js';

const TENANT = 'tenant-calls';
const OTHER_TENANT = 'tenant-calls-b';
const WAITING_TENANT = 'tenant-calls-c';

interface StoredRow {
  tenant_id: string;
  connection_id: string;
  provider: string;
  caller: string;
  method: string;
  host: string;
  path: string;
  status: number;
  attempt: number;
  breaker_state: string;
  correlation_id: string | null;
}

describe('the outbound call log of sync-service (int)', () => {
  let harness: SyncHarness;
  let calls: CallLogService;
  let connectionId: string;

  beforeAll(async () => {
    harness = await startSyncHarness({ env: { CALL_LOG_FLUSH_MS: '20' } });
    calls = harness.app.get(CallLogService);
    connectionId = await connectSquareMerchant(harness, TENANT, {
      account: 'MCALLS1',
      locations: 2,
      products: 120,
      orders: 300,
    });
    await connectSquareMerchant(harness, OTHER_TENANT, { account: 'MCALLS2', locations: 1, products: 5, orders: 5 });
  });

  afterAll(async () => {
    await harness?.close();
  });

  it('holds one row per request the sandbox received, 503 retries included, and no secret', async () => {
    await addFault(harness.sandbox.url, {
      provider: 'square',
      account: 'MCALLS1',
      kind: 'status5xx',
      status: 503,
      count: 2,
    });
    const runs = await harness.syncNow(TENANT, connectionId);
    await clearFaults(harness.sandbox.url);
    expect(runs.every((run) => run.status === 'succeeded')).toBe(true);
    await calls.store.flush();

    // The test minted the token itself (auth-service's part); every other request is sync-service's.
    const ledger = harness.sandbox
      .ledger({ provider: 'square', account: 'MCALLS1' })
      .filter((entry) => !entry.path.includes('/oauth2/'));
    const rows = await harness.dataSource.query<StoredRow[]>(
      `SELECT * FROM sync.provider_calls WHERE connection_id = $1 ORDER BY at`,
      [connectionId],
    );
    expect(ledger.filter((entry) => entry.status === 503)).toHaveLength(2);
    expect(tally(rows.map((row) => `${row.method} ${row.path.split('?')[0]} ${row.status}`))).toEqual(
      tally(ledger.map((entry) => `${entry.method} ${pathTemplate(entry.path)} ${entry.status}`)),
    );
    // Every 503 was retried as the next attempt of the same request, and every retry follows a 503. Both faults may
    // land on one request or on two, depending on which streams were in flight.
    const request = (row: StoredRow) => `${row.method} ${row.path}`;
    const nextAttempt = (row: StoredRow) => (other: StoredRow) =>
      request(other) === request(row) && other.attempt === row.attempt + 1;
    const failed = rows.filter((row) => row.status === 503);
    const retries = rows.filter((row) => row.attempt > 1);
    expect(retries).toHaveLength(failed.length);
    for (const row of failed) expect(retries.some(nextAttempt(row))).toBe(true);
    expect(retries.every((row) => row.status === 200 || row.status === 503)).toBe(true);
    for (const row of rows) {
      expect(row).toMatchObject({ tenant_id: TENANT, provider: 'square', caller: 'sync', breaker_state: 'closed' });
      expect(row.host).toBe(new URL(harness.sandbox.url).host);
    }
    const token = harness.auth.connections.get(connectionId)?.headers.Authorization?.replace('Bearer ', '');
    expect(token).toEqual(expect.any(String));
    expect(JSON.stringify(rows)).not.toContain(String(token));
    expect(rows.map((row) => row.path).join(' ')).not.toMatch(/=|MCALLS1/);
  });

  it('lists a tenant’s calls newest first, filtered by status and connection, page by page', async () => {
    const all = await calls.list({ tenantId: TENANT, limit: 500 });
    expect(all.length).toBeGreaterThan(5);
    const failed = await calls.list({ tenantId: TENANT, status: '5xx', limit: 500 });
    expect(failed.map((call) => call.status)).toEqual([503, 503]);
    const pages: string[] = [];
    let before: { at: string; id: string } | undefined;
    for (;;) {
      const page = await calls.list({ tenantId: TENANT, connectionId, limit: 4, before });
      pages.push(...page.map((call) => call.id));
      const last = page.at(-1);
      if (page.length < 4 || !last) break;
      before = { at: last.at, id: last.id };
    }
    expect(pages).toEqual(all.map((call) => call.id));
    expect(new Set(pages).size).toBe(pages.length);
    const since = await calls.list({ tenantId: TENANT, since: new Date(Date.now() + 60_000).toISOString(), limit: 10 });
    expect(since).toEqual([]);
  });

  it('never shows one tenant’s calls to another', async () => {
    await harness.syncNow(OTHER_TENANT, 'conn-MCALLS2', { streams: ['locations'] });
    // No explicit flush: the writer's timer stores the rows within CALL_LOG_FLUSH_MS.
    let other: CallView[] = [];
    await eventually(
      async () => (other = await calls.list({ tenantId: OTHER_TENANT, limit: 500 })).length > 0,
      5_000,
      20,
    );
    expect(other.every((call) => call.connectionId === 'conn-MCALLS2')).toBe(true);
    const mine = await calls.list({ tenantId: TENANT, limit: 500 });
    expect(mine.some((call) => call.connectionId === 'conn-MCALLS2')).toBe(false);
  });

  it('holds the attempts the shared budget refused: status null, RATE_LIMIT_WAIT_TOO_LONG, nothing sent', async () => {
    const waiting = await connectSquareMerchant(harness, WAITING_TENANT, {
      account: 'MCALLS3',
      locations: 1,
      products: 5,
      orders: 5,
    });
    // The provider announced a wait past the retry deadline (60 s): every replica holds off the account's budget.
    await harness.app.get(ProviderGuards).limiter.observe('square:MCALLS3', { retryAfterMs: 600_000 });
    const runs = await harness.syncNow(WAITING_TENANT, waiting, { streams: ['locations'] });
    expect(runs.map((run) => run.status)).toEqual(['failed']);
    await calls.store.flush();

    const sent = harness.sandbox
      .ledger({ provider: 'square', account: 'MCALLS3' })
      .filter((entry) => !entry.path.includes('/oauth2/'));
    expect(sent).toEqual([]);
    const rows = await calls.list({ tenantId: WAITING_TENANT, limit: 500 });
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      expect(row).toMatchObject({ status: null, refusal: 'RATE_LIMIT_WAIT_TOO_LONG', breakerState: 'closed' });
      expect(row.durationMs).toBe(0);
    }
    await expect(calls.list({ tenantId: WAITING_TENANT, status: 'refused', limit: 500 })).resolves.toEqual(rows);
    await expect(calls.list({ tenantId: WAITING_TENANT, status: 'error', limit: 500 })).resolves.toEqual(rows);
    await expect(calls.list({ tenantId: WAITING_TENANT, status: 'network', limit: 500 })).resolves.toEqual([]);
    await expect(calls.list({ tenantId: WAITING_TENANT, status: '5xx', limit: 500 })).resolves.toEqual([]);
  });

  it('prunes rows past the retention and keeps the rest', async () => {
    const before = await calls.list({ tenantId: TENANT, limit: 500 });
    await expect(calls.store.pruneOnce(Date.now())).resolves.toBe(0);
    const removed = await calls.store.pruneOnce(Date.now() + 15 * 86_400_000);
    expect(removed).toBeGreaterThanOrEqual(before.length);
    await expect(calls.list({ tenantId: TENANT, limit: 500 })).resolves.toEqual([]);
  });
});
