import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { connect, ErrorCode, type NatsConnection, type NatsError } from 'nats';
import { eventually } from '@shelflink/testing';
import { ShelflinkClient, ShelflinkError, type ShelflinkCredentials } from '../packages/client/src/index.js';
import { canaries, createNetSuiteConnection, startAuthStack, type AuthStack } from './auth-harness.js';
import { cliError, operatorCli, type CliResult } from './operator-cli.js';
import { metricSample } from './metric-sample.js';

// Consumer services end to end: `shelflink services add` against the repo's nats.conf (generated users, reload),
// auth-service's grants, the client package, and removal.
describe('consumer services (e2e)', () => {
  let stack: AuthStack;
  let watcher: ShelflinkCredentials;
  let client: ShelflinkClient;
  const ids = { squareA: '', plytixA: '', squareB: '' };
  const tokens = { squareA: 'consumer-square-token-a', squareB: 'consumer-square-token-b' };
  const tenantB = `tenant_b_${randomUUID().slice(0, 6)}`;
  const cli = (args: string[]): Promise<CliResult> => operatorCli(stack.nats)(args);
  /** auth-service's count of the watcher's token requests with this outcome. */
  const consumerRequests = (outcome: string) =>
    metricSample(stack.auths[0]?.url ?? '', 'shelflink_auth_consumer_requests_total', {
      service: 'watcher',
      request: 'token',
      outcome,
    });

  const added = async (args: string[]): Promise<ShelflinkCredentials> => {
    const result = await cli(['services', 'add', ...args]);
    if (result.code !== 0) throw new Error(`services add failed: ${result.stderr}`);
    return JSON.parse(result.stdout) as ShelflinkCredentials;
  };
  const refusal = (promise: Promise<unknown>) =>
    promise.then(
      () => 'served',
      (error: ShelflinkError) => ({ code: error.code, message: error.message }),
    );

  beforeAll(async () => {
    stack = await startAuthStack({ prefix: 'e2e_consumers' });
    const createdB = await cli(['tenant', 'create', tenantB]);
    const keyB = (JSON.parse(createdB.stdout) as { apiKey: string }).apiKey;
    const connection = async (provider: string, credentials: object, key?: string) => {
      const reply = await stack.admin(
        'POST',
        '/api/v1/connections',
        { provider, alias: `c-${randomUUID().slice(0, 8)}`, credentials },
        key,
      );
      if (reply.status !== 201) throw new Error(`connection create: ${reply.status} ${JSON.stringify(reply.body)}`);
      return reply.body.id;
    };
    ids.squareA = await connection('square', { type: 'access-token', accessToken: tokens.squareA });
    ids.plytixA = await connection('plytix', {
      type: 'key-password',
      apiKey: 'plytix-key',
      password: canaries.apiKeyPassword,
    });
    ids.squareB = await connection('square', { type: 'access-token', accessToken: tokens.squareB }, keyB);
    watcher = await added(['watcher', '--tenant', stack.tenantId, '--providers', 'square']);
    client = await ShelflinkClient.connect(watcher, { timeoutMs: 3_000 });
  });

  afterAll(async () => {
    await client?.close();
    await stack?.close();
  });

  it('prints exactly the credentials the client takes, once', () => {
    expect(watcher).toEqual({
      service: 'watcher',
      natsUrl: stack.nats.url,
      user: 'svc-watcher',
      password: expect.stringMatching(/^p[0-9a-f]{48}$/),
      inboxPrefix: '_INBOX_svc_watcher',
    });
  });

  it('refuses a taken name, an unknown tenant and a bad name with stable codes', async () => {
    const outcome = async (args: string[]) => {
      const result = await cli(['services', 'add', ...args]);
      return { exit: result.code, code: cliError(result).code, stdout: result.stdout };
    };
    await expect(outcome(['watcher', '--tenant', stack.tenantId])).resolves.toEqual({
      exit: 1,
      code: 'CONFLICT',
      stdout: '',
    });
    await expect(outcome(['ghost', '--tenant', 'tenant_nobody'])).resolves.toEqual({
      exit: 1,
      code: 'NOT_FOUND',
      stdout: '',
    });
    await expect(outcome(['Bad.Name', '--tenant', stack.tenantId])).resolves.toEqual({
      exit: 1,
      code: 'INVALID_REQUEST',
      stdout: '',
    });
  });

  it("gets its tenant's Square token with the provider's headers", async () => {
    const token = await client.getToken(stack.tenantId, ids.squareA);
    expect(token).toMatchObject({
      accessToken: tokens.squareA,
      headers: { Authorization: `Bearer ${tokens.squareA}`, 'Square-Version': expect.any(String) },
      expiresAt: null,
    });
  });

  it("refuses another tenant's connection, and a made-up id there, alike: FORBIDDEN", async () => {
    const real = await refusal(client.getToken(tenantB, ids.squareB));
    const madeUp = await refusal(client.getToken(tenantB, randomUUID()));
    expect(real).toEqual({ code: 'FORBIDDEN', message: expect.any(String) });
    expect(madeUp).toEqual(real);
    await expect(
      refusal(client.signNetSuiteRequest(tenantB, ids.squareB, { method: 'GET', url: 'https://example.com/x' })),
    ).resolves.toEqual(real);
  });

  it('refuses a provider outside its grant: FORBIDDEN', async () => {
    await expect(refusal(client.getToken(stack.tenantId, ids.plytixA))).resolves.toMatchObject({ code: 'FORBIDDEN' });
  });

  it("answers NOT_FOUND for an unknown id in its own tenant, and for another tenant's id sent as its own", async () => {
    const unknown = await refusal(client.getToken(stack.tenantId, randomUUID()));
    expect(unknown).toEqual({ code: 'NOT_FOUND', message: 'Connection not found' });
    await expect(refusal(client.getToken(stack.tenantId, ids.squareB))).resolves.toEqual(unknown);
  });

  it('audits every token served or refused with its NATS user, and counts them per service', async () => {
    const audited = async () =>
      (
        await stack.sql.query<{ connection_id: string; event: string; detail: { code?: string } }>(
          `SELECT connection_id, event, detail FROM auth.audit_log WHERE actor = 'svc-watcher' ORDER BY id`,
        )
      ).rows;
    await eventually(async () => (await audited()).some((row) => row.event === 'credential.served'));
    const rows = await audited();
    expect(rows).toEqual(
      expect.arrayContaining([
        { connection_id: ids.squareA, event: 'credential.served', detail: { version: 1 } },
        { connection_id: ids.squareB, event: 'credential.denied', detail: { code: 'FORBIDDEN', request: 'token' } },
        { connection_id: ids.squareB, event: 'credential.denied', detail: { code: 'FORBIDDEN', request: 'sign' } },
        { connection_id: ids.plytixA, event: 'credential.denied', detail: { code: 'FORBIDDEN', request: 'token' } },
        { connection_id: ids.squareB, event: 'credential.denied', detail: { code: 'NOT_FOUND', request: 'token' } },
      ]),
    );
    expect(await consumerRequests('ok')).toBeGreaterThan(0);
    expect(await consumerRequests('FORBIDDEN')).toBeGreaterThan(0);
  });

  it('caches a token until its window ends, and sends one request for concurrent calls', async () => {
    const served = () => consumerRequests('ok');
    const fresh = await ShelflinkClient.connect(watcher);
    const uncached = await ShelflinkClient.connect(watcher, { staticTokenCacheMs: 0 });
    try {
      const before = await served();
      await Promise.all(Array.from({ length: 10 }, () => fresh.getToken(stack.tenantId, ids.squareA)));
      expect(await served()).toBe(before + 1);
      await fresh.getToken(stack.tenantId, ids.squareA);
      expect(await served()).toBe(before + 1);
      await uncached.getToken(stack.tenantId, ids.squareA);
      await uncached.getToken(stack.tenantId, ids.squareA);
      expect(await served()).toBe(before + 3);
    } finally {
      await Promise.all([fresh.close(), uncached.close()]);
    }
  });

  it('signs NetSuite requests within its grant, audited with its name', async () => {
    const created = await createNetSuiteConnection(stack, '7654321_SB1');
    expect(created.status).toBe(201);
    const erp = await added(['erp-sync', '--tenant', stack.tenantId, '--providers', 'netsuite']);
    const erpClient = await ShelflinkClient.connect(erp);
    try {
      const url = `${stack.sandbox.url}/netsuite/7654321_SB1/services/rest/record/v1/customer?limit=5`;
      const signed = await erpClient.signNetSuiteRequest(stack.tenantId, created.body.id, { method: 'GET', url });
      expect((await fetch(url, { headers: signed.headers })).status).toBe(200);
      await expect(
        refusal(client.signNetSuiteRequest(stack.tenantId, created.body.id, { method: 'GET', url })),
      ).resolves.toMatchObject({ code: 'FORBIDDEN' });
      const audited = async () =>
        (
          await stack.sql.query(
            `SELECT actor FROM auth.audit_log WHERE event = 'credential.signed' AND connection_id = $1`,
            [created.body.id],
          )
        ).rows;
      // The signer writes its audit row after it answers.
      await eventually(async () => (await audited()).length > 0);
      expect(await audited()).toEqual([{ actor: 'svc-erp-sync' }]);
    } finally {
      await erpClient.close();
    }
  });

  it("cannot publish another service's subjects nor read another service's inbox (nats v2 client)", async () => {
    await added(['other', '--tenant', tenantB]);
    const nc = await connect({
      servers: watcher.natsUrl,
      user: watcher.user,
      pass: watcher.password,
      inboxPrefix: watcher.inboxPrefix,
    });
    try {
      const body = new TextEncoder().encode(JSON.stringify({ tenantId: tenantB, connectionId: ids.squareB }));
      for (const subject of ['auth.token.get.v1.other', 'auth.token.get.v1', 'auth.sign.tba.v1.other']) {
        const error = await nc.request(subject, body, { timeout: 2_000 }).then(
          () => undefined,
          (failure: NatsError) => failure,
        );
        expect({ subject, code: error?.code }).toEqual({ subject, code: ErrorCode.PermissionsViolation });
      }
      const denied = new Promise<string | undefined>((resolve) => {
        nc.subscribe('_INBOX_svc_other.>', { callback: (error) => resolve(error?.code) });
      });
      await expect(denied).resolves.toBe(ErrorCode.PermissionsViolation);
    } finally {
      await nc.close();
    }
  });

  it('removal: auth-service refuses at once; after the reload the NATS connection is closed within 1 s', async () => {
    const doomed = await added(['doomed', '--tenant', stack.tenantId]);
    const doomedClient = await ShelflinkClient.connect(doomed, { timeoutMs: 2_000 });
    // No reconnecting: closed() resolves when the server drops the connection.
    const raw = await connect({ servers: doomed.natsUrl, user: doomed.user, pass: doomed.password, reconnect: false });
    try {
      await expect(doomedClient.getToken(stack.tenantId, ids.squareA)).resolves.toMatchObject({
        accessToken: tokens.squareA,
      });
      // The grant alone first (what `services remove` does before touching NATS): refused on the next request.
      const operator = await stack.nats.connectAs('operator');
      const reply = await operator.request('auth.admin.services.remove.v1', JSON.stringify({ name: 'doomed' }), {
        timeout: 5_000,
      });
      expect(reply.json()).toEqual({ name: 'doomed', removed: true });
      await operator.close();
      await expect(refusal(doomedClient.getToken(stack.tenantId, randomUUID()))).resolves.toMatchObject({
        code: 'FORBIDDEN',
      });

      const closed = raw.closed();
      const rendered = await cli(['services', 'render']);
      expect(rendered.code).toBe(0);
      const renderedAt = Date.now();
      await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, 5_000))]);
      expect({ closed: raw.isClosed(), afterMs: Date.now() - renderedAt }).toEqual({
        closed: true,
        afterMs: expect.any(Number),
      });
      expect(Date.now() - renderedAt).toBeLessThan(1_000);
      const again = await connect({ servers: doomed.natsUrl, user: doomed.user, pass: doomed.password }).then(
        (nc: NatsConnection) => nc.close().then(() => 'connected'),
        (error: NatsError) => error.code,
      );
      expect(again).toBe(ErrorCode.AuthorizationViolation);
    } finally {
      await doomedClient.close().catch(() => undefined);
      await raw.close().catch(() => undefined);
    }
  });

  it('`services remove` revokes both at once, and `services list` shows grants without hashes', async () => {
    // sync-service hears of every change (to reconcile the feeds), never of a hash.
    const sync = await stack.nats.connectAs('sync-service');
    const events: unknown[] = [];
    sync.subscribe('auth.event.service.changed.v1', { callback: (_error, msg) => void events.push(msg.json()) });
    await sync.flush();
    await added(['brief', '--tenant', stack.tenantId, '--connections', ids.squareA]);
    const listed = await cli(['services', 'list']);
    const services = (JSON.parse(listed.stdout) as { services: Record<string, unknown>[] }).services;
    expect(services.find((service) => service.name === 'brief')).toEqual({
      name: 'brief',
      tenants: [stack.tenantId],
      providers: [],
      connections: [ids.squareA],
      createdAt: expect.any(String),
    });
    expect(listed.stdout).not.toContain('$2');
    const removed = await cli(['services', 'remove', 'brief']);
    expect(JSON.parse(removed.stdout)).toEqual({
      name: 'brief',
      removed: true,
      nats: { usersFile: 'written', reload: 'signalled' },
    });
    await eventually(() => events.length === 2);
    await sync.close();
    expect(events).toEqual([
      { name: 'brief', tenants: [stack.tenantId], providers: [], connections: [ids.squareA], removed: false },
      { name: 'brief', tenants: [], providers: [], connections: [], removed: true },
    ]);
  });

  it('works from `npm pack`, installed in an empty folder like an outside repo would', async () => {
    const run = promisify(execFile);
    const folder = mkdtempSync(join(tmpdir(), 'shelflink-client-'));
    try {
      const { stdout: packed } = await run('npm', ['pack', '--pack-destination', folder, '--silent'], {
        cwd: 'packages/client',
      });
      const app = join(folder, 'app');
      await run('mkdir', [app]);
      writeFileSync(join(app, 'package.json'), JSON.stringify({ type: 'module', private: true }));
      await run('npm', ['install', join(folder, packed.trim()), '--no-audit', '--no-fund', '--prefer-offline'], {
        cwd: app,
      });
      writeFileSync(
        join(app, 'main.js'),
        `import { ShelflinkClient } from '@shelflink/client';
const client = await ShelflinkClient.connect(process.env.CREDENTIALS);
const token = await client.getToken(process.env.TENANT, process.env.CONNECTION);
const refused = await client.getToken(process.env.TENANT, 'made-up').catch((error) => error.code);
console.log(JSON.stringify({ accessToken: token.accessToken, refused }));
await client.close();`,
      );
      const env = {
        ...process.env,
        CREDENTIALS: JSON.stringify(watcher),
        TENANT: stack.tenantId,
        CONNECTION: ids.squareA,
      };
      const { stdout } = await run(process.execPath, ['main.js'], { cwd: app, env });
      expect(JSON.parse(stdout)).toEqual({ accessToken: tokens.squareA, refused: 'NOT_FOUND' });
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('keeps working across a NATS restart (both the client and auth-service reconnect)', async () => {
    await stack.nats.stop();
    await stack.nats.start();
    await eventually(() =>
      client.reportRefusedToken(stack.tenantId, ids.squareA, 'some-old-token').then(
        (token) => token.accessToken === tokens.squareA,
        () => false,
      ),
    );
  });
});
