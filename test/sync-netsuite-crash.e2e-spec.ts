import type { ServiceProcess } from '@shelflink/testing';
import { netsuiteSizes } from '../apps/sync-service/test/netsuite-export.js';
import { exportEntity } from '../apps/sync-service/test/sandbox-accounts.js';
import { createNetSuiteConnection, startAuthStack, type AuthStack } from './auth-harness.js';
import { killRunHolder, runSucceeded, startSyncReplicas } from './sync-crash-harness.js';

const ACCOUNT = '5550001_SB1';
// SHELFLINK_FULL_SIZES=1 (or NETSUITE_SYNC_ITEMS) runs the 25,000 items, with a faster budget and longer waits.
const { items: ITEMS, full: FULL } = netsuiteSizes({ items: 6000, orders: 0 });
const PAGE = 100;
const CRASHES = 3;
const PAGES_PER_SECOND = FULL ? 8 : 2;
const FINISH_MS = FULL ? 900_000 : 90_000;

// kill -9 of the replica holding a NetSuite items run (TBA through the real auth-service), three times mid-run: the
// items still equal the sandbox's and each crash costs at most one re-fetched SuiteQL page.
describe('NetSuite sync crash recovery (e2e)', () => {
  let stack: AuthStack;
  const replicas: ServiceProcess[] = [];
  let syncEnv: Record<string, string>;

  beforeAll(async () => {
    stack = await startAuthStack({ prefix: 'e2e_ns_crash' });
    // Slow enough that the kills land mid-run: 2 pages a second for the account, while a replacement replica can take
    // many seconds to boot on a loaded machine.
    const started = await startSyncReplicas(stack, PAGE, {
      netsuite: { capacity: 1, refillPerSecond: PAGES_PER_SECOND },
    });
    replicas.push(...started.replicas);
    syncEnv = started.env;
  });

  afterAll(async () => {
    await Promise.all(replicas.map((replica) => replica.stop()));
    await stack?.close();
  });

  it(
    `ends equal to the sandbox after ${CRASHES} kill -9 mid-run, re-fetching at most one page per crash`,
    async () => {
      const created = await createNetSuiteConnection(stack, ACCOUNT, { locations: 3, products: ITEMS, orders: 0 });
      expect(created.status).toBe(201);
      const connectionId = (created.body as unknown as { id: string }).id;
      const started = await stack.admin('POST', `/api/v1/connections/${connectionId}/syncs`, { streams: ['products'] });
      expect(started.status).toBe(202);
      const runId = (started.body as unknown as { runs: { id: string }[] }).runs[0]?.id ?? '';
      for (let crash = 1; crash <= CRASHES; crash++) await killRunHolder(stack, replicas, syncEnv, runId, crash * 10);
      await runSucceeded(stack, runId, FINISH_MS);
      const run = await stack.admin('GET', `/api/v1/sync-runs/${runId}`);
      expect(run.body).toMatchObject({ status: 'succeeded', errorCode: null });
      expect((run.body as unknown as { attempts: number }).attempts).toBeGreaterThan(CRASHES);

      const items = await exportEntity(stack.sandbox.url, 'netsuite', ACCOUNT, 'item');
      const rows = (
        await stack.sql.query(`SELECT external_id, title FROM sync.products WHERE connection_id = $1`, [connectionId])
      ).rows as { external_id: string; title: string }[];
      expect(rows.map((r) => `${r.external_id}|${r.title}`).sort()).toEqual(
        items.map((i) => `${String(i.id)}|${String(i.displayname)}`).sort(),
      );

      // A clean run is one probe and ITEMS / PAGE pages (+1 when the last page is full and hasMore was still true).
      const suiteql = stack.sandbox
        .ledger({ provider: 'netsuite', endpoint: 'netsuite.suiteql' })
        .filter((e) => e.status === 200).length;
      const clean = 1 + Math.ceil(ITEMS / PAGE);
      process.stdout.write(
        `NETSUITE_CRASH ${JSON.stringify({ items: ITEMS, suiteql, clean, refetched: suiteql - clean })}\n`,
      );
      expect(suiteql).toBeGreaterThanOrEqual(clean);
      expect(suiteql - clean).toBeLessThanOrEqual(CRASHES);
      expect(
        stack.sandbox.ledger({ provider: 'netsuite' }).every((e) => e.authKind === 'oauth1' || e.status !== 200),
      ).toBe(true);
    },
    FULL ? FINISH_MS + 300_000 : undefined,
  );
});
