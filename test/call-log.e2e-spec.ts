import type { NatsConnection } from '@nats-io/transport-node';
import { pathTemplate } from '@shelflink/observability';
import { eventually, startService, type ServiceProcess, tally } from '@shelflink/testing';
import { mintSquareToken, SQUARE_APP } from '../apps/sync-service/test/sandbox-accounts.js';
import { canaries, completeOAuth, startAuthStack, syncServiceEnv, type AuthStack } from './auth-harness.js';
import { operatorCli } from './operator-cli.js';
import { connectWithToken } from './routing-harness.js';
import { metricSample } from './metric-sample.js';

interface CallJson {
  id: string;
  at: string;
  connectionId: string | null;
  provider: string;
  caller: string;
  method: string;
  path: string;
  status: number | null;
  refusal?: string;
  attempt: number;
  breakerState?: string;
}
interface Page {
  calls: CallJson[];
  next: string | null;
}

const MERCHANT = 'MLCALLS1';
const FLAKY = 'MLCALLS2';

// The outbound call log across real services: auth-service's token and test calls and sync-service's pulls are rows of
// their own tables, merged by the gateway's GET /api/v1/calls, and match what the sandbox received.
describe('the outbound call log (e2e)', () => {
  let stack: AuthStack;
  let sync: ServiceProcess;
  let operator: NatsConnection;
  let connectionId: string;
  const tokensSeen: string[] = [];

  const calls = async (query: string, apiKey?: string): Promise<{ status: number; body: Page }> => {
    const reply = await stack.admin('GET', `/api/v1/calls${query}`, undefined, apiKey);
    return { status: reply.status, body: reply.body as unknown as Page };
  };
  const allCalls = async (query = ''): Promise<CallJson[]> => {
    const rows: CallJson[] = [];
    let cursor = '';
    for (let page = 0; page < 100; page += 1) {
      const { status, body } = await calls(`?limit=7${query}${cursor}`);
      expect(status).toBe(200);
      rows.push(...body.calls);
      if (body.next === null) return rows;
      cursor = `&cursor=${body.next}`;
    }
    throw new Error('more than 100 pages');
  };
  const token = async (): Promise<string> => {
    const reply = await stack.nats.connectAs('sync-service').then(async (nc) => {
      const answer = await nc.request('auth.token.get.v1', JSON.stringify({ tenantId: stack.tenantId, connectionId }));
      await nc.close();
      return answer.json<{ accessToken: string }>();
    });
    tokensSeen.push(reply.accessToken);
    return reply.accessToken;
  };
  // What Shelflink sent the sandbox for this merchant: not the browser's authorize step, not the sandbox's webhooks.
  const ledger = () =>
    stack.sandbox
      .ledger({ provider: 'square' })
      .filter((entry) => !entry.endpoint.endsWith('.authorize') && !entry.endpoint.endsWith('.webhook.delivery'));

  beforeAll(async () => {
    stack = await startAuthStack({ prefix: 'e2e_call_log', env: { CALL_LOG_FLUSH_MS: '50' } });
    stack.sandbox.registerApp(SQUARE_APP);
    stack.sandbox.registerAccount({ provider: 'square', account: MERCHANT, locations: 2, products: 30, orders: 120 });
    operator = await stack.nats.connectAs('operator');
    sync = await startService(
      'sync-service',
      syncServiceEnv(stack, {
        SYNC_SCHEDULER_TICK_MS: '3600000',
        CALL_LOG_FLUSH_MS: '50',
        // Only the last test fails calls: its breaker opens after a few and stays open through the test.
        SYNC_RETRY_BASE_MS: '20',
        SYNC_RETRY_MAX_DELAY_MS: '200',
        SYNC_BREAKER_VOLUME: '3',
        SYNC_BREAKER_RESET_MS: '120000',
      }),
    );
  });

  afterAll(async () => {
    await operator?.close();
    await sync?.stop();
    await stack?.close();
  });

  it('holds a row for every request the sandbox ledger shows: OAuth exchange, sync, refresh, connection test', async () => {
    const session = await stack.admin('POST', '/api/v1/connect-sessions', { provider: 'square', alias: 'calls' });
    const url = new URL(session.body.authorizeUrl);
    url.searchParams.set('sandbox_account', MERCHANT);
    connectionId = (await completeOAuth(stack, url.toString())).body.connectionId;
    await token();

    const started = await stack.admin('POST', `/api/v1/connections/${connectionId}/syncs`, {});
    expect(started.status).toBe(202);
    const runIds = (started.body as unknown as { runs: { id: string }[] }).runs.map((run) => run.id);
    await eventually(async () => {
      const runs = await Promise.all(runIds.map((id) => stack.admin('GET', `/api/v1/sync-runs/${id}`)));
      return runs.every((run) => (run.body as unknown as { status: string }).status === 'succeeded');
    }, 60_000);

    // The provider expires the token; the connection test makes auth-service refresh it, then call the provider.
    await fetch(`${stack.sandbox.url}/_admin/tokens/expire`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ provider: 'square', account: MERCHANT }),
    });
    await stack.sql.query(
      `UPDATE auth.credentials SET access_expires_at = now() - interval '1 second' WHERE connection_id = $1`,
      [connectionId],
    );
    await operator.request('auth.admin.token-cache.clear.v1', '{}', { timeout: 5_000 });
    const tested = await stack.admin('POST', `/api/v1/connections/${connectionId}/test`);
    expect(tested.body).toMatchObject({ ok: true, status: 200 });
    await token();

    const expected = tally(ledger().map((entry) => `${entry.method} ${pathTemplate(entry.path)} ${entry.status}`));
    let rows: CallJson[] = [];
    await eventually(async () => {
      rows = await allCalls();
      return rows.length >= ledger().length;
    }, 10_000);
    expect(tally(rows.map((row) => `${row.method} ${row.path.split('?')[0]} ${row.status}`))).toEqual(expected);
    expect(tally(rows.map((row) => row.caller))).toMatchObject({ 'auth-service': 2, admin: 1 });
    expect(rows.filter((row) => row.caller === 'sync').length).toBe(rows.length - 3);
    expect(new Set(rows.map((row) => row.id)).size).toBe(rows.length);
  });

  it('keeps no secret in either table', async () => {
    const tables = await Promise.all(
      ['auth', 'sync'].map(async (schema) =>
        JSON.stringify((await stack.sql.query(`SELECT * FROM ${schema}.provider_calls`)).rows),
      ),
    );
    const secrets = [canaries.squareClientSecret, canaries.masterKey, stack.apiKey, ...tokensSeen];
    expect(tokensSeen.length).toBe(2);
    for (const text of tables) for (const secret of secrets) expect(text).not.toContain(secret);
  });

  it('filters by status and connection, and refuses bad queries with stable codes', async () => {
    const ok = await allCalls('&status=2xx');
    expect(ok.length).toBeGreaterThan(3);
    expect(ok.every((row) => row.status !== null && row.status >= 200 && row.status < 300)).toBe(true);
    const mine = await allCalls(`&connectionId=${connectionId}`);
    // The OAuth exchange happened before the connection existed: its row has the tenant but no connection.
    expect(mine.length).toBe((await allCalls()).length - 1);
    const future = await calls(`?since=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`);
    expect(future.body).toEqual({ calls: [], next: null });
    for (const bad of [
      '?status=teapot',
      '?limit=0',
      '?limit=501',
      '?cursor=bm90LWEtY3Vyc29y',
      '?since=yesterday',
      '?x=1',
    ]) {
      const refused = await calls(bad);
      expect([bad, refused.status, (refused.body as unknown as { error: { code: string } }).error.code]).toEqual([
        bad,
        400,
        'VALIDATION_FAILED',
      ]);
    }
  });

  it("shows another tenant none of this tenant's calls", async () => {
    const tenantB = `tenant_b_${Date.now()}`;
    await operator.request('auth.admin.tenant.create.v1', JSON.stringify({ tenantId: tenantB }), { timeout: 5_000 });
    const key = (
      await operator.request('auth.admin.apikey.create.v1', JSON.stringify({ tenantId: tenantB }), { timeout: 5_000 })
    ).json<{ apiKey: string }>().apiKey;
    await expect(calls('', key)).resolves.toEqual({ status: 200, body: { calls: [], next: null } });
    await expect(calls(`?connectionId=${connectionId}`, key)).resolves.toEqual({
      status: 200,
      body: { calls: [], next: null },
    });
  });

  it('lists the same calls with the operator CLI, as JSON and as a table', async () => {
    const cli = operatorCli(stack.nats);
    const json = await cli(['calls', 'list', stack.tenantId, '--status', '2xx', '--since', '1h']);
    expect(json.code).toBe(0);
    const page = JSON.parse(json.stdout) as Page;
    const viaHttp = await calls('?status=2xx&limit=50');
    expect(page.calls.map((call) => call.id)).toEqual(viaHttp.body.calls.map((call) => call.id));
    const table = await cli(['calls', 'list', stack.tenantId, '--connection', connectionId, '--format', 'table']);
    expect(table.code).toBe(0);
    const lines = table.stdout.trim().split('\n');
    expect(lines[0]).toMatch(
      /^at\s+provider\s+caller\s+method\s+status\s+durationMs\s+attempt\s+rateLimitWaitMs\s+path$/,
    );
    expect(lines.slice(2).every((line) => /^\d{4}-\d\d-\d\dT\S+\s+square\s+/.test(line))).toBe(true);
  });

  it('counts the calls per provider and status class in both services’ /metrics', async () => {
    const sample = async (service: ServiceProcess, statusClass: string): Promise<number> =>
      metricSample(service.url, 'shelflink_provider_requests_total', {
        provider: 'square',
        status_class: statusClass,
      });
    const [auth] = stack.auths;
    expect(await sample(sync, '2xx')).toBeGreaterThan(3);
    expect(await sample(auth as ServiceProcess, '2xx')).toBe(3);
  });

  it('holds the attempts the open breaker refused: status null, BREAKER_OPEN, and nothing reached the sandbox', async () => {
    stack.sandbox.registerAccount({ provider: 'square', account: FLAKY, locations: 1, products: 2, orders: 2 });
    const flaky = await connectWithToken(stack, stack.apiKey, {
      provider: 'square',
      alias: 'calls-flaky',
      accessToken: await mintSquareToken(stack.sandbox.url, FLAKY),
      metadata: { merchantId: FLAKY },
    });
    const proxied = async (): Promise<string | undefined> => {
      const reply = await stack.admin('GET', `/api/v1/connections/${flaky}/proxy/v2/locations`);
      return (reply.body as unknown as { error?: { code: string } }).error?.code;
    };
    const sent = () => stack.sandbox.ledger({ provider: 'square', account: FLAKY });
    const before = sent().length;
    await fetch(`${stack.sandbox.url}/_admin/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ provider: 'square', account: FLAKY, kind: 'status5xx', status: 503, count: 0 }),
    });
    const codes: (string | undefined)[] = [];
    await eventually(async () => {
      codes.push(await proxied());
      return codes.at(-1) === 'PROVIDER_UNAVAILABLE';
    }, 20_000);
    const whileOpen = sent().length;
    for (let i = 0; i < 3; i++) codes.push(await proxied());
    await fetch(`${stack.sandbox.url}/_admin/faults`, { method: 'DELETE' });
    expect(sent().length).toBe(whileOpen);
    const refusedCalls = codes.filter((code) => code === 'PROVIDER_UNAVAILABLE').length;
    expect(refusedCalls).toBeGreaterThanOrEqual(4);

    // Each refused call is one row (a refusal is not retried); the rest are what the sandbox received.
    let refused: CallJson[] = [];
    await eventually(
      async () => (refused = await allCalls(`&connectionId=${flaky}&status=refused`)).length >= refusedCalls,
      10_000,
    );
    expect(refused).toHaveLength(refusedCalls);
    for (const row of refused) {
      expect(row).toMatchObject({ status: null, refusal: 'BREAKER_OPEN', breakerState: 'open', caller: 'admin' });
      expect(`${row.method} ${row.path}`).toMatch(/^GET \/\S*\/v2\/locations$/);
    }
    const proxyRows = (await allCalls(`&connectionId=${flaky}`)).filter((row) => row.caller === 'admin');
    expect(tally(proxyRows.map((row) => String(row.status)))).toEqual({
      ...tally(
        sent()
          .slice(before)
          .map((entry) => String(entry.status)),
      ),
      null: refusedCalls,
    });
    expect((await allCalls(`&connectionId=${flaky}&status=error`)).length).toBe(proxyRows.length);
    expect(await allCalls(`&connectionId=${flaky}&status=network`)).toEqual([]);

    const table = await operatorCli(stack.nats)([
      'calls',
      'list',
      stack.tenantId,
      '--connection',
      flaky,
      '--status',
      'refused',
      '--format',
      'table',
    ]);
    expect(table.code).toBe(0);
    const lines = table.stdout.trim().split('\n').slice(2);
    expect(lines).toHaveLength(refusedCalls);
    expect(lines.every((line) => /\sadmin\s+GET\s+BREAKER_OPEN\s/.test(line))).toBe(true);
  });
});
