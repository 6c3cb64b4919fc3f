import { pingContracts } from '@shelflink/contracts';
import {
  createTestDatabase,
  eventually,
  migrateAll,
  startService,
  startTcpProxy,
  startTestNats,
  type ServiceProcess,
  type TcpProxy,
  type TestDatabase,
  type TestNats,
} from '@shelflink/testing';

// The four built services as separate processes, on a nats-server running the repo's permissions config.
describe('foundation (e2e)', () => {
  let database: TestDatabase;
  let nats: TestNats;
  let postgresProxy: TcpProxy;
  const running: ServiceProcess[] = [];
  let gateway: ServiceProcess;
  let auth: ServiceProcess;

  beforeAll(async () => {
    database = await createTestDatabase('e2e_foundation');
    migrateAll(database.url);
    nats = await startTestNats();
    const server = new URL(database.url);
    postgresProxy = await startTcpProxy({ host: server.hostname, port: Number(server.port || 5432) });
    const proxiedUrl = new URL(database.url);
    proxiedUrl.host = `127.0.0.1:${postgresProxy.port}`;
    // auth-service refuses to start without a master key (issue 4); a throwaway test key.
    const vaultEnv = {
      SHELFLINK_MASTER_KEYS: `k1:${Buffer.alloc(32, 7).toString('base64')}`,
      SHELFLINK_ACTIVE_KEY_ID: 'k1',
    };
    const envFor = (user: string) => ({ ...nats.envFor(user), ...vaultEnv, DATABASE_URL: proxiedUrl.toString() });
    auth = await startService('auth-service', envFor('auth-service'));
    running.push(auth);
    running.push(await startService('webhook-ingest', envFor('webhook-ingest')));
    running.push(await startService('sync-service', envFor('sync-service')));
    gateway = await startService('gateway', nats.envFor('gateway'));
    running.push(gateway);
  });

  afterAll(async () => {
    await Promise.all(running.map((service) => service.stop()));
    await postgresProxy?.close();
    await nats?.dispose();
    await database?.drop();
  });

  it('answers each service ping over NATS through the permissions config', async () => {
    const operator = await nats.connectAs('operator');
    try {
      for (const [service, contract] of Object.entries(pingContracts)) {
        const reply = await operator.request(contract.subject, '{}', { timeout: 5_000 });
        expect(contract.response.parse(reply.json())).toMatchObject({ service });
      }
    } finally {
      await operator.close();
    }
  });

  it("lists every service as reachable in the gateway's readiness", async () => {
    const response = await fetch(`${gateway.url}/health/ready`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { info: Record<string, { status: string }> };
    for (const name of ['nats', 'auth-service', 'webhook-ingest', 'sync-service']) {
      expect(body.info[name]?.status).toBe('up');
    }
  });

  it("refuses the gateway's NATS user on auth.token.get.v1 at the server", async () => {
    const asGateway = await nats.connectAs('gateway');
    try {
      await expect(
        asGateway.request('auth.token.get.v1', JSON.stringify({ tenantId: 't', connectionId: 'c' }), {
          timeout: 2_000,
        }),
      ).rejects.toThrow(/permission/i);
    } finally {
      await asGateway.close();
    }
  });

  it('answers unknown routes with the one JSON error shape', async () => {
    const response = await fetch(`${gateway.url}/no-such-route`, { headers: { 'x-request-id': 'req-123' } });
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({
      error: { code: 'NOT_FOUND', message: expect.any(String), requestId: 'req-123' },
    });
  });

  it('serves OpenAPI at /docs and Prometheus metrics at /metrics', async () => {
    const docs = await fetch(`${gateway.url}/docs/json`);
    expect(docs.status).toBe(200);
    expect(((await docs.json()) as { openapi: string }).openapi).toMatch(/^3\./);
    const metrics = await fetch(`${auth.url}/metrics`);
    expect(await metrics.text()).toContain('process_resident_memory_bytes');
  });

  it('turns readiness to 503 while Postgres is unreachable and back to 200 after, without a restart', async () => {
    postgresProxy.cut();
    try {
      await eventually(async () => (await fetch(`${auth.url}/health/ready`)).status === 503, 5_000);
      expect((await fetch(`${auth.url}/health/live`)).status).toBe(200);
    } finally {
      postgresProxy.restore();
    }
    await eventually(async () => (await fetch(`${auth.url}/health/ready`)).status === 200, 15_000);
    expect(auth.child.exitCode).toBeNull();
  });

  it('turns readiness to 503 while nats-server is down and back to 200 after it returns', async () => {
    await nats.stop(true);
    try {
      await eventually(async () => (await fetch(`${gateway.url}/health/ready`)).status === 503, 5_000);
      await eventually(async () => (await fetch(`${auth.url}/health/ready`)).status === 503, 5_000);
    } finally {
      await nats.start();
    }
    await eventually(async () => (await fetch(`${gateway.url}/health/ready`)).status === 200, 20_000);
    expect(running.every((service) => service.child.exitCode === null)).toBe(true);
  });

  it('stops a service whose configuration is missing a variable, naming it, with a non-zero exit', async () => {
    const env = { ...nats.envFor('auth-service') };
    const broken = await startService('auth-service', env, { waitReady: false });
    const code = await broken.exited();
    expect(code).not.toBe(0);
    expect(broken.output()).toContain('DATABASE_URL is not set');
  });
});
