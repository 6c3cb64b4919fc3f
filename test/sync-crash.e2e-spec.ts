import { randomInt } from 'node:crypto';
import type { ServiceProcess } from '@shelflink/testing';
import { exportEntity, SQUARE_APP } from '../apps/sync-service/test/sandbox-accounts.js';
import { connectSquareMerchant, startAuthStack, type AuthStack } from './auth-harness.js';
import { killRunHolder, runSucceeded, startSyncReplicas } from './sync-crash-harness.js';

const MERCHANT = 'MCRASH1';
const PAGE = 100;

// kill -9 of the replica holding a run, five times at random pages: the data still equals the sandbox's and each
// crash costs at most one re-fetched page (the sandbox ledger counts every order search).
describe('sync-service crash recovery (e2e)', () => {
  let stack: AuthStack;
  const replicas: ServiceProcess[] = [];
  let syncEnv: Record<string, string>;

  beforeAll(async () => {
    stack = await startAuthStack({ prefix: 'e2e_sync_crash' });
    stack.sandbox.registerApp(SQUARE_APP);
    stack.sandbox.registerAccount({ provider: 'square', account: MERCHANT, locations: 2, products: 20, orders: 8000 });
    // Slow enough that five kills land mid-run: 4 pages a second for the whole account, while a replacement replica
    // can take seconds to boot on a loaded machine (the survivor goes on pulling meanwhile).
    const started = await startSyncReplicas(stack, PAGE, { square: { capacity: 2, refillPerSecond: 4 } });
    replicas.push(...started.replicas);
    syncEnv = started.env;
  });

  afterAll(async () => {
    await Promise.all(replicas.map((replica) => replica.stop()));
    await stack?.close();
  });

  it('ends equal to the sandbox after five kill -9 at random pages, re-fetching at most one page per crash', async () => {
    const connectionId = await connectSquareMerchant(stack, MERCHANT, 'crash');
    const started = await stack.admin('POST', `/api/v1/connections/${connectionId}/syncs`, { streams: ['orders'] });
    expect(started.status).toBe(202);
    const runId = (started.body as unknown as { runs: { id: string }[] }).runs[0]?.id ?? '';

    let threshold = 0;
    for (let crash = 0; crash < 5; crash++) {
      threshold += randomInt(2, 6);
      await killRunHolder(stack, replicas, syncEnv, runId, threshold);
    }
    await runSucceeded(stack, runId);
    const run = await stack.admin('GET', `/api/v1/sync-runs/${runId}`);
    expect(run.body).toMatchObject({ status: 'succeeded', errorCode: null });
    expect((run.body as unknown as { attempts: number }).attempts).toBeGreaterThanOrEqual(6);

    const orders = await exportEntity(stack.sandbox.url, 'square', MERCHANT, 'orders');
    const rows = (
      await stack.sql.query(
        `SELECT external_id, source_version::text AS v, total_minor::text AS t FROM sync.orders WHERE connection_id = $1`,
        [connectionId],
      )
    ).rows as {
      external_id: string;
      v: string;
      t: string;
    }[];
    const expected = orders
      .map((o) => `${String(o.id)}|${String(o.version)}|${(o.total_money as { amount: number }).amount}`)
      .sort();
    expect(rows.map((r) => `${r.external_id}|${r.v}|${r.t}`).sort()).toEqual(expected);

    // The read API pages through the same records; bad input is a 400 naming the field.
    const page = await stack.admin('GET', `/api/v1/records/orders?connectionId=${connectionId}&limit=5`);
    expect(page.status).toBe(200);
    const body = page.body as unknown as {
      records: { externalId: string; data: { total: { amountMinor: string } } }[];
      nextAfter: string;
    };
    expect(body.records).toHaveLength(5);
    const next = await stack.admin(
      'GET',
      `/api/v1/records/orders?connectionId=${connectionId}&limit=5&after=${body.nextAfter}`,
    );
    expect((next.body as unknown as { records: unknown[] }).records).toHaveLength(5);
    const bad = await stack.admin('GET', '/api/v1/records/customers');
    expect(bad.status).toBe(400);
    expect((bad.body as unknown as { error: { code: string } }).error.code).toBe('VALIDATION_FAILED');

    // One record by its id (what a change event names) and by its provider id; unknown ids are 404, bad ones 400.
    const first = (page.body as unknown as { records: { id: string; externalId: string }[] }).records[0]!;
    const byId = await stack.admin('GET', `/api/v1/records/orders/${first.id}`);
    expect(byId.status).toBe(200);
    expect(byId.body).toEqual(body.records[0]);
    const byExternalId = await stack.admin(
      'GET',
      `/api/v1/records/orders?connectionId=${connectionId}&externalId=${encodeURIComponent(first.externalId)}`,
    );
    expect((byExternalId.body as unknown as { records: unknown[] }).records).toEqual([body.records[0]]);
    const operator = await stack.nats.connectAs('operator');
    const asOperator = async (subject: string, request: unknown) =>
      (await operator.request(subject, JSON.stringify(request), { timeout: 10_000 })).json<{ apiKey: string }>();
    await asOperator('auth.admin.tenant.create.v1', { tenantId: 'tenant_records_other' });
    const { apiKey: otherKey } = await asOperator('auth.admin.apikey.create.v1', { tenantId: 'tenant_records_other' });
    await operator.close();
    const foreign = await stack.admin('GET', `/api/v1/records/orders/${first.id}`, undefined, otherKey);
    expect(foreign.status).toBe(404);
    const wrongEntity = await stack.admin('GET', `/api/v1/records/products/${first.id}`);
    expect(wrongEntity.status).toBe(404);
    expect((wrongEntity.body as unknown as { error: { code: string } }).error.code).toBe('NOT_FOUND');
    const badId = await stack.admin('GET', '/api/v1/records/orders/not-a-uuid');
    expect(badId.status).toBe(400);
    expect((badId.body as unknown as { error: { message: string } }).error.message).toMatch(/^id: /);
    const unscoped = await stack.admin(
      'GET',
      `/api/v1/records/orders?externalId=${encodeURIComponent(first.externalId)}`,
    );
    expect(unscoped.status).toBe(400);
    expect((unscoped.body as unknown as { error: { message: string } }).error.message).toMatch(/^externalId: /);

    // A clean run needs ceil(orders per location / PAGE) searches per location; each crash may add one.
    const perLocation = new Map<string, number>();
    for (const order of orders)
      perLocation.set(String(order.location_id), (perLocation.get(String(order.location_id)) ?? 0) + 1);
    const cleanPages = [...perLocation.values()].reduce((sum, n) => sum + Math.ceil(n / PAGE), 0);
    const searches = stack.sandbox
      .ledger({ provider: 'square', endpoint: 'square.orders.search' })
      .filter((e) => e.status === 200).length;
    expect(searches).toBeGreaterThanOrEqual(cleanPages);
    expect(searches - cleanPages).toBeLessThanOrEqual(5);
  });
});
