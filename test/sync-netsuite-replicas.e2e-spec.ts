import { eventually, startService, type ServiceProcess } from '@shelflink/testing';
import { expectEqualsNetSuiteExport, netsuiteSizes } from '../apps/sync-service/test/netsuite-export.js';
import { addFault } from '../apps/sync-service/test/sandbox-accounts.js';
import { startAuthStack, type AuthStack } from './auth-harness.js';
import { syncServiceEnv } from './auth-harness.js';

const ACCOUNT = '5550002_SB1';
const LIMIT = 2;
const REPLICAS = 3;
const CONNECTIONS = 3;
const SERVICE_MS = 25;
// Modest by default (CI); SHELFLINK_FULL_SIZES=1 or NETSUITE_SYNC_ITEMS / NETSUITE_SYNC_ORDERS scale it.
const { items: ITEMS, orders: ORDERS, full: FULL } = netsuiteSizes({ items: 1200, orders: 600 });
const WAIT_MS = FULL ? 1_500_000 : 100_000;
const TBA = {
  consumerKey: 'ns-consumer',
  consumerSecret: 'ns-consumer-secret',
  tokenId: 'ns-token',
  tokenSecret: 'ns-token-secret',
};

interface GovernanceCounts {
  account: string;
  limit: number;
  inFlight: number;
  peak: number;
  accepted: number;
  refused: number;
}

// Three replicas pull three TBA connections of one NetSuite account (12 runs, 2 per replica at once) through a
// concurrency budget of 2: the Postgres slots keep the account at most 2 in flight across processes, so after
// warm-up NetSuite's governance refuses nothing, the budget is used to its limit, and every table equals the export.
describe('sync-service replicas sharing a NetSuite concurrency budget (e2e)', () => {
  let stack: AuthStack;
  const replicas: ServiceProcess[] = [];

  beforeAll(async () => {
    stack = await startAuthStack({ prefix: 'e2e_ns_replicas' });
    stack.sandbox.registerApp({ provider: 'netsuite', clientId: TBA.consumerKey, clientSecret: TBA.consumerSecret });
    stack.sandbox.registerAccount({
      provider: 'netsuite',
      account: ACCOUNT,
      locations: 3,
      products: ITEMS,
      orders: ORDERS,
      tbaTokens: [{ tokenId: TBA.tokenId, tokenSecret: TBA.tokenSecret }],
      concurrencyLimit: LIMIT,
    });
    // A SuiteQL query takes time at NetSuite: without one the sandbox answers so fast that requests rarely overlap.
    await addFault(stack.sandbox.url, {
      provider: 'netsuite',
      account: ACCOUNT,
      kind: 'latency',
      ms: SERVICE_MS,
      count: 0,
    });
    const env = syncServiceEnv(stack, {
      SYNC_PAGE_SIZE: '100',
      // Two runs per replica: the twelve runs spread over all three, six pulling at once for two slots.
      SYNC_RUN_CONCURRENCY: '2',
      SYNC_CONCURRENCY_LIMITS: JSON.stringify({ netsuite: LIMIT }),
      // Only the concurrency budget binds: the request rate is left generous.
      SYNC_RATE_LIMITS: JSON.stringify({ netsuite: { capacity: 50, refillPerSecond: 1000 } }),
    });
    for (let i = 0; i < REPLICAS; i++) replicas.push(await startService('sync-service', env));
  });

  afterAll(async () => {
    await Promise.all(replicas.map((replica) => replica.stop()));
    await stack?.close();
  });

  it(
    `keeps ${ACCOUNT} within ${LIMIT} in flight across ${REPLICAS} replicas: 0 refusals after warm-up, equal to the export`,
    async () => {
      const connections: string[] = [];
      for (let i = 0; i < CONNECTIONS; i++) connections.push(await connect(stack, `ns-${i}`));
      const started = Date.now();
      for (const connectionId of connections) {
        const runs = await stack.admin('POST', `/api/v1/connections/${connectionId}/syncs`, {});
        expect(runs.status).toBe(202);
      }
      const runCount = CONNECTIONS * 4;

      // Warm-up ends once every replica has held a stream lease (each is pulling, so each takes slots): the counters
      // start from there.
      await everyReplicaPulls(stack, replicas);
      const warmUp = { seconds: (Date.now() - started) / 1000, ...(await governance(stack)) };
      await fetch(`${stack.sandbox.url}/_admin/netsuite/governance`, { method: 'DELETE' });

      await eventually(async () => (await finishedRuns(stack)) === runCount, WAIT_MS, 200);
      const seconds = (Date.now() - started) / 1000;
      const { rows: runs } = await stack.sql.query<{ stream: string; status: string; error_code: string | null }>(
        'SELECT stream, status, error_code FROM sync.runs',
      );
      expect(runs.filter((run) => run.status !== 'succeeded')).toEqual([]);
      expect(runs).toHaveLength(runCount);

      const counts = await governance(stack);
      expect(counts).toMatchObject({ limit: LIMIT, refused: 0, inFlight: 0 });
      // The replicas contended: the whole budget was in use at once, never more (the sandbox refuses past it).
      expect(counts.peak).toBe(LIMIT);
      expect(counts.accepted).toBeGreaterThan(CONNECTIONS * 10);

      for (const connectionId of connections) {
        const synced = async (table: string): Promise<Record<string, unknown>[]> =>
          (await stack.sql.query(`SELECT * FROM sync.${table} WHERE connection_id = $1`, [connectionId])).rows;
        await expectEqualsNetSuiteExport(stack.sandbox.url, ACCOUNT, synced, ITEMS);
      }
      const suiteql = stack.sandbox.ledger({ provider: 'netsuite', endpoint: 'netsuite.suiteql' });
      process.stdout.write(
        `NETSUITE_REPLICAS ${JSON.stringify({ items: ITEMS, orders: ORDERS, seconds, suiteql: suiteql.length, warmUp, ...counts })}\n`,
      );
    },
    WAIT_MS + 60_000,
  );
});

/** A TBA connection of the stack's tenant on the shared account; returns its id. */
async function connect(stack: AuthStack, alias: string): Promise<string> {
  const created = await stack.admin('POST', '/api/v1/connections', {
    provider: 'netsuite',
    alias,
    credentials: { type: 'tba', ...TBA },
    metadata: { accountId: ACCOUNT },
  });
  expect(created.status).toBe(201);
  return (created.body as unknown as { id: string }).id;
}

/** Waits until each replica (by pid in its lease holder) has held at least one stream lease. */
async function everyReplicaPulls(stack: AuthStack, replicas: ServiceProcess[]): Promise<void> {
  const seen = new Set<number>();
  await eventually(
    async () => {
      const { rows } = await stack.sql.query<{ holder: string }>('SELECT holder FROM sync.stream_leases');
      for (const replica of replicas) {
        if (rows.some((row) => row.holder.includes(`:${replica.child.pid}:`))) seen.add(replica.child.pid ?? 0);
      }
      return seen.size === replicas.length;
    },
    60_000,
    10,
  );
}

async function governance(stack: AuthStack): Promise<GovernanceCounts> {
  const answer = (await (await fetch(`${stack.sandbox.url}/_admin/netsuite/governance`)).json()) as {
    accounts: GovernanceCounts[];
  };
  const counts = answer.accounts.find((a) => a.account === ACCOUNT);
  if (!counts) throw new Error(`the sandbox has no governance counts for ${ACCOUNT}`);
  return counts;
}

async function finishedRuns(stack: AuthStack): Promise<number> {
  const { rows } = await stack.sql.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM sync.runs WHERE status IN ('succeeded', 'failed')`,
  );
  return rows[0]?.n ?? 0;
}
