import { eventually, startService, type ServiceProcess } from '@shelflink/testing';
import { exportEntity, mintSquareToken, SQUARE_APP } from '../apps/sync-service/test/sandbox-accounts.js';
import { completeOAuth, startAuthStack, syncServiceEnv, type AuthStack } from './auth-harness.js';
import { cliError, operatorCli, type CliResult } from './operator-cli.js';

const MERCHANT = 'MCLI1';

interface RunJson {
  id: string;
  stream: string;
  status: string;
  pages: number;
  records: number;
  errorCode: string | null;
}

// The operator CLI (bin/shelflink.mjs) starting and watching sync runs, as the `operator` NATS user of the repo's
// nats.conf, against a real sync-service, auth-service and the sandbox.
describe('operator CLI: sync runs (e2e)', () => {
  let stack: AuthStack;
  let sync: ServiceProcess;
  let connectionId: string;
  let refusedConnectionId: string;

  const cli = (args: string[]): Promise<CliResult> => operatorCli(stack.nats)(args);
  // One sample of sync-service's /metrics: the series carrying these labels (and `service`), 0 when absent.
  const metric = async (name: string, labels: Record<string, string>): Promise<number> => {
    const text = await (await fetch(`${sync.url}/metrics`)).text();
    const wanted = Object.entries({ ...labels, service: 'sync-service' })
      .map(([key, value]) => `${key}="${value}"`)
      .sort()
      .join(',');
    for (const line of text.split('\n')) {
      const sample = /^(\w+)\{([^}]*)\} (\S+)$/.exec(line);
      if (sample?.[1] === name && (sample[2] ?? '').split(',').sort().join(',') === wanted) return Number(sample[3]);
    }
    return 0;
  };
  const json = <T>(result: CliResult): T => JSON.parse(result.stdout) as T;
  const connect = async (alias: string, accessToken: string): Promise<string> => {
    const created = await stack.admin('POST', '/api/v1/connections', {
      provider: 'square',
      alias,
      credentials: { type: 'access-token', accessToken },
      metadata: { merchantId: MERCHANT },
    });
    expect(created.status).toBe(201);
    return created.body.id;
  };

  beforeAll(async () => {
    stack = await startAuthStack({ prefix: 'e2e_cli_sync' });
    stack.sandbox.registerApp(SQUARE_APP);
    stack.sandbox.registerAccount({ provider: 'square', account: MERCHANT, locations: 2, products: 10, orders: 450 });
    sync = await startService(
      'sync-service',
      syncServiceEnv(stack, {
        SYNC_PAGE_SIZE: '100',
        SYNC_STALENESS_METRICS_INTERVAL_MS: '200',
        SYNC_SCHEDULER_TICK_MS: '300',
      }),
    );
    connectionId = await connect('cli', await mintSquareToken(stack.sandbox.url, MERCHANT));
  });

  afterAll(async () => {
    await sync?.stop();
    await stack?.close();
  });

  it('starts a sync, watches it to the end with progress lines, and lists the runs', async () => {
    const started = await cli(['syncs', 'start', stack.tenantId, connectionId, '--streams', 'locations,orders']);
    expect(started.code).toBe(0);
    const { runs } = json<{ runs: RunJson[] }>(started);
    expect(runs.map((run) => run.stream).sort()).toEqual(['locations', 'orders']);
    const orders = runs.find((run) => run.stream === 'orders') as RunJson;

    const watched = await cli(['sync', 'watch', stack.tenantId, orders.id]);
    expect(watched.code).toBe(0);
    const expected = (await exportEntity(stack.sandbox.url, 'square', MERCHANT, 'orders')).length;
    expect(json<RunJson>(watched)).toMatchObject({ id: orders.id, status: 'succeeded', records: expected });
    const progress = watched.stderr
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { status: string; pages: number });
    expect(progress.at(-1)).toMatchObject({ status: 'succeeded' });
    expect(progress.at(-1)?.pages).toBeGreaterThanOrEqual(Math.ceil(expected / 100));

    const listed = await cli(['syncs', 'list', stack.tenantId, '--connection', connectionId, '--status', 'succeeded']);
    expect(listed.code).toBe(0);
    const ids = json<{ runs: RunJson[] }>(listed).runs.map((run) => run.id);
    expect(ids).toContain(orders.id);
    expect((await cli(['syncs', 'list', stack.tenantId, '--limit', '1'])).stdout).toContain('"nextBefore"');

    // What an operator alerts on: runs by outcome, records by whether they changed.
    const square = { provider: 'square' };
    expect(await metric('shelflink_sync_runs_total', { ...square, stream: 'orders', outcome: 'succeeded' })).toBe(1);
    expect(await metric('shelflink_sync_runs_total', { ...square, stream: 'locations', outcome: 'succeeded' })).toBe(1);
    expect(
      await metric('shelflink_sync_run_duration_seconds_count', { ...square, stream: 'orders', outcome: 'succeeded' }),
    ).toBe(1);
    expect(await metric('shelflink_sync_records_total', { ...square, entity: 'orders', result: 'changed' })).toBe(
      expected,
    );
    // Every provider call took a token of the shared budget, and its wait was observed.
    const pagesFetched = json<RunJson>(watched).pages;
    expect(await metric('shelflink_sync_rate_limit_wait_seconds_count', square)).toBeGreaterThanOrEqual(pagesFetched);
  });

  it('exits 1 when the watched run fails, with the provider error in the run', async () => {
    refusedConnectionId = await connect('cli-bad-token', 'not-a-valid-token');
    const refused = refusedConnectionId;
    const started = await cli(['syncs', 'start', stack.tenantId, refused, '--streams', 'orders']);
    const run = json<{ runs: RunJson[] }>(started).runs[0] as RunJson;
    const watched = await cli(['sync', 'watch', stack.tenantId, run.id]);
    expect(watched.code).toBe(1);
    expect(json<RunJson>(watched)).toMatchObject({ status: 'failed', errorCode: 'UNAUTHENTICATED' });
    // sync-service reported the refused token; a static token cannot be renewed, and the connection stays as it was.
    const reported = async () =>
      (
        await stack.sql.query<{ detail: unknown }>(
          `SELECT detail FROM auth.audit_log WHERE connection_id = $1 AND event = 'credential.refused'`,
          [refused],
        )
      ).rows.map((row) => row.detail);
    await eventually(async () => (await reported()).length > 0);
    expect(await reported()).toEqual([{ version: expect.any(Number), renewable: false }]);
    expect((await stack.admin('GET', `/api/v1/connections/${refused}`)).body).toMatchObject({ status: 'active' });
    expect(await metric('shelflink_sync_runs_total', { provider: 'square', stream: 'orders', outcome: 'failed' })).toBe(
      1,
    );
  });

  it("dates each stream's last success and reports streams gone stale", async () => {
    const lastSuccess = async (connection: string) =>
      (
        await stack.sql.query<{ at: Date | null }>(
          `SELECT last_succeeded_at AS at FROM sync.schedules WHERE connection_id = $1 AND stream = 'orders'`,
          [connection],
        )
      ).rows[0]?.at;
    expect(await lastSuccess(connectionId)).toBeInstanceOf(Date);
    expect(await lastSuccess(refusedConnectionId)).toBeNull();
    expect(await metric('shelflink_sync_stale_streams', {})).toBe(0);
    // Three days without a success, against a 900 s interval.
    await stack.sql.query(
      `UPDATE sync.schedules SET last_succeeded_at = now() - interval '3 days' WHERE connection_id = $1 AND stream = 'orders'`,
      [connectionId],
    );
    await eventually(async () => (await metric('shelflink_sync_stale_streams', {})) === 1);
    expect(await metric('shelflink_sync_oldest_success_age_seconds', {})).toBeGreaterThanOrEqual(3 * 86_400);
  });

  it("lists schedules and sets a stream's interval or pauses it through the gateway", async () => {
    interface Schedule {
      stream: string;
      intervalSeconds: number;
      paused: boolean;
      nextRunAt: string;
      lastSucceededAt: string | null;
    }
    const listed = await stack.admin('GET', `/api/v1/sync-schedules?connectionId=${connectionId}`);
    expect(listed.status).toBe(200);
    const schedules = (listed.body as unknown as { schedules: Schedule[] }).schedules;
    expect(schedules.map((schedule) => schedule.stream)).toEqual(['locations', 'orders']);
    expect(schedules[0]).toMatchObject({ intervalSeconds: 900, paused: false, lastSucceededAt: expect.any(String) });

    const path = (stream: string, connection = connectionId) => `/api/v1/connections/${connection}/schedules/${stream}`;
    const longer = await stack.admin('PATCH', path('orders'), { intervalSeconds: 3_600 });
    expect(longer.status).toBe(200);
    expect(longer.body).toMatchObject({ stream: 'orders', intervalSeconds: 3_600, paused: false });
    expect(Date.parse((longer.body as unknown as Schedule).nextRunAt)).toBeGreaterThan(Date.now() + 3_500_000);
    const paused = await stack.admin('PATCH', path('orders'), { paused: true });
    expect(paused.body).toMatchObject({ intervalSeconds: 3_600, paused: true });
    // A stream never synced gets its schedule from the first setting.
    const products = await stack.admin('PATCH', path('products'), { intervalSeconds: 7_200 });
    expect(products.body).toMatchObject({ stream: 'products', intervalSeconds: 7_200, lastSucceededAt: null });

    const refusal = async (body: unknown, at = path('orders'), key?: string) => {
      const answer = await stack.admin('PATCH', at, body, key);
      return {
        status: answer.status,
        ...(answer.body as unknown as { error: { code: string; message: string } }).error,
      };
    };
    expect(await refusal({})).toMatchObject({ status: 400, code: 'VALIDATION_FAILED' });
    expect(await refusal({ intervalSeconds: 5 })).toMatchObject({
      status: 400,
      message: expect.stringMatching(/^intervalSeconds: /) as string,
    });
    expect(await refusal({ paused: true, cron: '* * * * *' })).toMatchObject({ status: 400 });
    expect(await refusal({ paused: true }, path('tickets'))).toMatchObject({
      status: 400,
      message: expect.stringMatching(/^stream: /) as string,
    });
    expect(await refusal({ paused: true }, path('orders', 'no-such-connection'))).toMatchObject({ status: 404 });
    const operator = await stack.nats.connectAs('operator');
    const asOperator = async (subject: string, request: unknown) =>
      (await operator.request(subject, JSON.stringify(request), { timeout: 10_000 })).json<{ apiKey: string }>();
    await asOperator('auth.admin.tenant.create.v1', { tenantId: 'tenant_schedules_other' });
    const { apiKey: otherKey } = await asOperator('auth.admin.apikey.create.v1', {
      tenantId: 'tenant_schedules_other',
    });
    await operator.close();
    expect(await refusal({ paused: true }, path('orders'), otherKey)).toMatchObject({ status: 404 });
    const foreignList = await stack.admin('GET', '/api/v1/sync-schedules', undefined, otherKey);
    expect((foreignList.body as unknown as { schedules: Schedule[] }).schedules).toEqual([]);

    // The same from the operator CLI (the operator NATS user may list and set schedules).
    const cliList = await cli(['schedules', 'list', stack.tenantId, '--connection', connectionId]);
    expect(cliList.code).toBe(0);
    expect(json<{ schedules: Schedule[] }>(cliList).schedules.map((schedule) => schedule.stream)).toEqual([
      'locations',
      'orders',
      'products',
    ]);
    const resumed = await cli([
      'schedule',
      'set',
      stack.tenantId,
      connectionId,
      'orders',
      '--resume',
      '--interval',
      '1800',
    ]);
    expect(resumed.code).toBe(0);
    expect(json<Schedule>(resumed)).toMatchObject({ stream: 'orders', intervalSeconds: 1_800, paused: false });
    const badStream = await cli(['schedule', 'set', stack.tenantId, connectionId, 'tickets', '--pause']);
    expect(badStream.code).toBe(1);
    expect(cliError(badStream).code).toBe('INVALID_REQUEST');
  });

  it('refuses bad input and other tenants with a stable error code, exit 1', async () => {
    const badStream = await cli(['syncs', 'start', stack.tenantId, connectionId, '--streams', 'tickets']);
    expect(badStream.code).toBe(1);
    expect(cliError(badStream).code).toBe('INVALID_REQUEST');
    const otherTenant = await cli(['syncs', 'start', 'tenant_other', connectionId]);
    expect(otherTenant.code).toBe(1);
    expect(cliError(otherTenant).code).toBe('NOT_FOUND');
    const missingRun = await cli(['sync', 'watch', stack.tenantId, 'no-such-run']);
    expect(missingRun.code).toBe(1);
    expect(cliError(missingRun).code).toBe('NOT_FOUND');
    const unknown = await cli(['syncs', 'stop']);
    expect(unknown.code).toBe(64);
    expect(unknown.stderr).toContain('usage: shelflink');
  });
  it('drops the schedules of a connection that was disconnected, at its next scheduled run', async () => {
    const gone = await connect('cli-disconnected', await mintSquareToken(stack.sandbox.url, MERCHANT));
    const started = await cli(['syncs', 'start', stack.tenantId, gone, '--streams', 'locations']);
    const run = json<{ runs: RunJson[] }>(started).runs[0] as RunJson;
    expect(json<RunJson>(await cli(['sync', 'watch', stack.tenantId, run.id])).status).toBe('succeeded');
    const schedules = async () =>
      (await stack.sql.query<{ stream: string }>(`SELECT stream FROM sync.schedules WHERE connection_id = $1`, [gone]))
        .rows;
    expect(await schedules()).toHaveLength(1);

    expect((await stack.admin('DELETE', `/api/v1/connections/${gone}`)).status).toBe(200);
    await stack.sql.query(
      `UPDATE sync.schedules SET next_run_at = now() - interval '1 minute' WHERE connection_id = $1`,
      [gone],
    );
    await eventually(async () => (await schedules()).length === 0, 20_000);
    const failed = await cli(['syncs', 'list', stack.tenantId, '--connection', gone, '--status', 'failed']);
    expect(json<{ runs: RunJson[] }>(failed).runs).toEqual([
      expect.objectContaining({ stream: 'locations', errorCode: 'CONNECTION_REVOKED' }),
    ]);
  });

  it('renews a token Square refused before its expiry; once the grant is revoked, fails with NEEDS_REAUTH', async () => {
    stack.sandbox.registerAccount({ provider: 'square', account: 'MCLI2', locations: 1, products: 2, orders: 120 });
    const session = await stack.admin('POST', '/api/v1/connect-sessions', { provider: 'square', alias: 'renewed' });
    const authorizeUrl = new URL(session.body.authorizeUrl);
    authorizeUrl.searchParams.set('sandbox_account', 'MCLI2');
    const renewed = (await completeOAuth(stack, authorizeUrl.toString())).body.connectionId;
    const syncOrders = async (): Promise<RunJson> => {
      const started = await cli(['syncs', 'start', stack.tenantId, renewed, '--streams', 'orders']);
      const run = json<{ runs: RunJson[] }>(started).runs[0] as RunJson;
      return json<RunJson>(await cli(['sync', 'watch', stack.tenantId, run.id]));
    };
    expect(await syncOrders()).toMatchObject({ status: 'succeeded', records: 120 });

    // Square revokes the token early; auth-service still counts it valid for 30 days, and sync-service holds it.
    await fetch(`${stack.sandbox.url}/_admin/tokens/expire`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ provider: 'square', account: 'MCLI2' }),
    });
    const since = Date.now();
    expect(await syncOrders()).toMatchObject({ status: 'succeeded', errorCode: null });
    const calls = stack.sandbox.ledger({ provider: 'square', account: 'MCLI2', since });
    // One call was refused; the token was refreshed once; every later call carried the new token.
    const refused = calls.filter((call) => call.status === 401);
    expect(refused).toHaveLength(1);
    expect(calls.filter((call) => call.grantType === 'refresh_token')).toHaveLength(1);
    const later = calls.filter((call) => call.seq > (refused[0]?.seq ?? 0) && call.authKind === 'bearer');
    expect(later.length).toBeGreaterThan(0);
    expect(later.every((call) => call.status === 200 && call.authFingerprint !== refused[0]?.authFingerprint)).toBe(
      true,
    );

    // A minute later the merchant revokes the app: the token is refused, the refresh too. The run says what to do.
    await stack.sql.query(
      `UPDATE auth.connections SET last_refreshed_at = now() - interval '2 minutes' WHERE id = $1`,
      [renewed],
    );
    await fetch(`${stack.sandbox.url}/_admin/tokens/revoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ provider: 'square', account: 'MCLI2' }),
    });
    const revokedAt = Date.now();
    expect(await syncOrders()).toMatchObject({ status: 'failed', errorCode: 'NEEDS_REAUTH' });
    const afterRevoke = stack.sandbox.ledger({ provider: 'square', account: 'MCLI2', since: revokedAt });
    expect(afterRevoke.map((call) => [call.grantType ?? call.endpoint, call.status])).toEqual([
      [expect.any(String), 401],
      ['refresh_token', expect.any(Number)],
    ]);
    expect(afterRevoke[1]?.status).toBeGreaterThanOrEqual(400);
    expect((await stack.admin('GET', `/api/v1/connections/${renewed}`)).body).toMatchObject({ status: 'needs_reauth' });
    // A sync asked for now is refused, saying why, and Square hears nothing.
    const checkedAt = Date.now();
    const refusedStart = await cli(['syncs', 'start', stack.tenantId, renewed, '--streams', 'orders']);
    expect({ code: refusedStart.code, error: cliError(refusedStart) }).toEqual({
      code: 1,
      error: { code: 'CONFLICT', message: `Connection ${renewed} needs re-authorization; reconnect it` },
    });
    // Its scheduled run fails with NEEDS_REAUTH, also without a call; the schedule stays for after the reconnect.
    await stack.sql.query(
      `UPDATE sync.schedules SET next_run_at = now() - interval '1 minute' WHERE connection_id = $1`,
      [renewed],
    );
    const failedRuns = async () =>
      json<{ runs: RunJson[] }>(
        await cli(['syncs', 'list', stack.tenantId, '--connection', renewed, '--status', 'failed']),
      ).runs.map((run) => run.errorCode);
    await eventually(async () => (await failedRuns()).length === 2, 20_000);
    expect(await failedRuns()).toEqual(['NEEDS_REAUTH', 'NEEDS_REAUTH']);
    const kept = await stack.sql.query(`SELECT 1 FROM sync.schedules WHERE connection_id = $1`, [renewed]);
    expect(kept.rows).toHaveLength(1);
    expect(stack.sandbox.ledger({ provider: 'square', account: 'MCLI2', since: checkedAt })).toEqual([]);
  });
});
