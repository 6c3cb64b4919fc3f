import { setTimeout as sleep } from 'node:timers/promises';
import type { NatsConnection } from '@nats-io/transport-node';
import {
  allOutput,
  canaries,
  createNetSuiteConnection,
  startAuthStack,
  type AuthStack,
  type HttpReply,
  type Reply,
} from './auth-harness.js';

// Static credentials end to end: gateway admin routes → auth-service → Postgres, and the internal NATS subjects.
describe('auth-service connections and tokens (e2e)', () => {
  let stack: AuthStack;
  let sync: NatsConnection;
  let ingest: NatsConnection;
  let operator: NatsConnection;

  const request = async (nc: NatsConnection, subject: string, body: unknown) =>
    (await nc.request(subject, JSON.stringify(body), { timeout: 10_000 })).json<Reply>();

  beforeAll(async () => {
    stack = await startAuthStack({ prefix: 'e2e_auth_conn', env: { AUTH_AUDIT_PRUNE_INTERVAL_MS: '1000' } });
    sync = await stack.nats.connectAs('sync-service');
    ingest = await stack.nats.connectAs('webhook-ingest');
    operator = await stack.nats.connectAs('operator');
  });

  afterAll(async () => {
    await Promise.all([sync, ingest, operator].map((nc) => nc?.close()));
    await stack?.close();
  });

  it('rejects admin routes without a valid API key', async () => {
    expect((await stack.admin('GET', '/api/v1/connections', undefined, 'slk_nope')).status).toBe(401);
  });

  it('creates a Square static-token connection and serves its token with the catalog headers', async () => {
    const created = await stack.admin('POST', '/api/v1/connections', {
      provider: 'square',
      alias: 'prod',
      credentials: { type: 'access-token', accessToken: canaries.staticToken },
      metadata: { merchantId: 'M1', locationIds: ['L1'] },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      provider: 'square',
      alias: 'prod',
      status: 'active',
      metadata: { merchantId: 'M1' },
    });
    expect(JSON.stringify(created.body)).not.toContain(canaries.staticToken);

    const token = await request(sync, 'auth.token.get.v1', { tenantId: stack.tenantId, connectionId: created.body.id });
    expect(token.accessToken).toBe(canaries.staticToken);
    expect(token.headers).toMatchObject({
      Authorization: `Bearer ${canaries.staticToken}`,
      'Square-Version': expect.any(String),
    });

    const rows = await stack.sql.query(
      `SELECT secrets::text AS s, key_id FROM auth.credentials WHERE connection_id = $1`,
      [created.body.id],
    );
    expect(rows.rows[0]?.key_id).toBe('k1');
    expect(rows.rows[0]?.s).not.toContain(canaries.staticToken);
  });

  it('creates a Shopify connection with the X-Shopify-Access-Token header and validates the shop', async () => {
    const bad = await stack.admin('POST', '/api/v1/connections', {
      provider: 'shopify',
      credentials: { type: 'access-token', accessToken: 'shpat_x' },
      metadata: { shop: 'evil.com#.myshopify.com' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('VALIDATION_FAILED');
    expect(bad.body.error.message).toContain('metadata.shop');

    const created = await stack.admin('POST', '/api/v1/connections', {
      provider: 'shopify',
      credentials: { type: 'access-token', accessToken: 'shpat_static' },
      metadata: { shop: 'demo-shop.myshopify.com' },
      webhookSecret: canaries.webhookSecret,
    });
    expect(created.status).toBe(201);
    const token = await request(sync, 'auth.token.get.v1', { tenantId: stack.tenantId, connectionId: created.body.id });
    expect(token.headers).toEqual({ 'X-Shopify-Access-Token': 'shpat_static' });

    const secrets = await request(ingest, 'auth.internal.webhook-secrets.get.v1', {
      connectionId: created.body.id,
      provider: 'shopify',
    });
    expect(secrets).toMatchObject({
      tenantId: stack.tenantId,
      scheme: 'shopify-hmac',
      secrets: [canaries.webhookSecret],
    });
    expect(secrets.notificationUrl).toMatch(new RegExp(`/webhooks/shopify/${created.body.id}$`));

    const lookup = await request(ingest, 'auth.internal.connection.lookup.v1', { connectionId: created.body.id });
    expect(lookup).toMatchObject({
      tenantId: stack.tenantId,
      provider: 'shopify',
      status: 'active',
      metadata: { shop: 'demo-shop.myshopify.com' },
    });
  });

  it('answers webhook secrets from provider config for Square, with the exact notification URL', async () => {
    const created = await stack.admin('POST', '/api/v1/connections', {
      provider: 'square',
      alias: 'hooks',
      credentials: { type: 'access-token', accessToken: 'sq-static-2' },
    });
    const secrets = await request(ingest, 'auth.internal.webhook-secrets.get.v1', {
      connectionId: created.body.id,
      provider: 'square',
    });
    expect(secrets.secrets).toEqual(['sandbox-square-signature-key']);
    expect(secrets.notificationUrl).toBe(`${stack.gateway.url}/webhooks/square/${created.body.id}`);
    const wrongProvider = await request(ingest, 'auth.internal.webhook-secrets.get.v1', {
      connectionId: created.body.id,
      provider: 'shopify',
    });
    expect(wrongProvider.error.code).toBe('NOT_FOUND');
  });

  it('refuses a duplicate alias, lists with aliases and inspects without secrets', async () => {
    const duplicate = await stack.admin('POST', '/api/v1/connections', {
      provider: 'square',
      alias: 'prod',
      credentials: { type: 'access-token', accessToken: 'x' },
    });
    expect(duplicate.status).toBe(409);
    const list = await stack.admin('GET', '/api/v1/connections?provider=square');
    expect(list.status).toBe(200);
    expect(list.body.connections.map((c: { alias: string }) => c.alias).sort()).toEqual(['hooks', 'prod']);
    const one = await stack.admin('GET', `/api/v1/connections/${list.body.connections[0]?.id ?? ''}`);
    expect(one.status).toBe(200);
    expect(Object.keys(one.body).sort()).toEqual([
      'alias',
      'authMode',
      'createdAt',
      'id',
      'metadata',
      'provider',
      'status',
      'updatedAt',
    ]);
  });

  it('answers NOT_FOUND for another tenant, exactly like a missing connection', async () => {
    const otherTenant = 'other_tenant';
    expect(await request(operator, 'auth.admin.tenant.create.v1', { tenantId: otherTenant })).toMatchObject({
      created: true,
    });
    const key = await request(operator, 'auth.admin.apikey.create.v1', { tenantId: otherTenant });
    expect(key.apiKey).toMatch(/^slk_/);
    const mine = (await stack.admin('GET', '/api/v1/connections')).body.connections[0]?.id ?? '';

    const foreign = await stack.admin('GET', `/api/v1/connections/${mine}`, undefined, key.apiKey);
    const missing = await stack.admin('GET', '/api/v1/connections/does-not-exist', undefined, key.apiKey);
    expect(foreign.status).toBe(404);
    expect({ ...foreign.body.error, requestId: 'x' }).toEqual({ ...missing.body.error, requestId: 'x' });

    const foreignToken = await request(sync, 'auth.token.get.v1', { tenantId: otherTenant, connectionId: mine });
    const missingToken = await request(sync, 'auth.token.get.v1', {
      tenantId: otherTenant,
      connectionId: 'does-not-exist',
    });
    expect(foreignToken).toEqual(missingToken);
    expect(foreignToken.error.code).toBe('NOT_FOUND');
  });

  it('lets the NATS server refuse token subjects to users without permission', async () => {
    for (const user of ['gateway', 'webhook-ingest', 'operator']) {
      const nc = await stack.nats.connectAs(user);
      try {
        await expect(
          nc.request('auth.token.get.v1', JSON.stringify({ tenantId: stack.tenantId, connectionId: 'x' }), {
            timeout: 2_000,
          }),
        ).rejects.toThrow(/permission/i);
      } finally {
        await nc.close();
      }
    }
    const gateway = await stack.nats.connectAs('gateway');
    try {
      await expect(
        gateway.request('auth.admin.tenant.create.v1', JSON.stringify({ tenantId: 'x' }), { timeout: 2_000 }),
      ).rejects.toThrow(/permission/i);
    } finally {
      await gateway.close();
    }
  });

  it('logs in with key + password (Plytix) and serves the short-lived token', async () => {
    const created = await stack.admin('POST', '/api/v1/connections', {
      provider: 'plytix',
      credentials: { type: 'key-password', apiKey: 'plytix-key', password: canaries.apiKeyPassword },
    });
    expect(created.status).toBe(201);
    const token = await request(sync, 'auth.token.get.v1', { tenantId: stack.tenantId, connectionId: created.body.id });
    expect(token.error).toBeUndefined();
    expect(token.accessToken).toMatch(/^ey/);
    expect(token.headers.Authorization).toBe(`Bearer ${token.accessToken}`);
    expect(stack.sandbox.ledger({ provider: 'plytix' }).length).toBe(1);
  });

  it('tests a connection with one cheap authenticated call and disconnects it', async () => {
    const created = await stack.admin('POST', '/api/v1/connections', {
      provider: 'square',
      alias: 'bogus',
      credentials: { type: 'access-token', accessToken: 'not-a-real-token' },
    });
    const tested = await stack.admin('POST', `/api/v1/connections/${created.body.id}/test`);
    expect(tested.status).toBe(200);
    expect(tested.body).toMatchObject({ ok: false, status: 401 });
    const deleted = await stack.admin('DELETE', `/api/v1/connections/${created.body.id}`);
    expect(deleted.body).toMatchObject({ status: 'revoked' });
    const rows = await stack.sql.query(`SELECT count(*)::int AS n FROM auth.credentials WHERE connection_id = $1`, [
      created.body.id,
    ]);
    expect(rows.rows[0]?.n).toBe(0);
    const token = await request(sync, 'auth.token.get.v1', { tenantId: stack.tenantId, connectionId: created.body.id });
    expect(token.error.code).toBe('NEEDS_REAUTH');
  });

  it("lists a connection's credential events newest first, pages back, and refuses bad paging", async () => {
    const created = await stack.admin('POST', '/api/v1/connections', {
      provider: 'square',
      alias: 'audited',
      credentials: { type: 'access-token', accessToken: 'audited-access-token' },
    });
    await stack.admin('POST', `/api/v1/connections/${created.body.id}/test`);
    const path = `/api/v1/connections/${created.body.id}/audit`;

    const all = await stack.admin('GET', path);
    expect(all.status).toBe(200);
    const events = (reply: HttpReply) => reply.body.entries.map((e) => e.event);
    // The test call was served the token, so that is audited too.
    expect(events(all)).toEqual(['connection.tested', 'credential.served', 'connection.created']);
    expect(Object.keys(all.body.entries[0] ?? {}).sort()).toEqual(['actor', 'createdAt', 'detail', 'event', 'id']);
    expect(all.body.nextBefore).toBeNull();
    expect(JSON.stringify(all.body)).not.toContain('audited-access-token');

    const first = await stack.admin('GET', `${path}?limit=2`);
    expect(events(first)).toEqual(['connection.tested', 'credential.served']);
    expect(first.body.nextBefore).toBe(first.body.entries[1]?.id);
    const second = await stack.admin('GET', `${path}?limit=2&before=${first.body.nextBefore}`);
    expect(events(second)).toEqual(['connection.created']);
    expect(second.body.nextBefore).toBeNull();

    for (const bad of ['limit=0', 'limit=201', 'limit=x', 'before=abc', 'before=-1']) {
      const refused = await stack.admin('GET', `${path}?${bad}`);
      expect(refused.status).toBe(400);
      expect(refused.body.error.code).toBeDefined();
    }
    expect((await stack.admin('GET', '/api/v1/connections/does-not-exist/audit')).status).toBe(404);
  });

  it('deletes audit rows past AUTH_AUDIT_RETENTION_DAYS (365) and keeps younger ones', async () => {
    const created = await stack.admin('POST', '/api/v1/connections', {
      provider: 'square',
      alias: 'retained',
      credentials: { type: 'access-token', accessToken: 'retained-access-token' },
    });
    const id = created.body.id;
    const backdate = (days: number, event: string) =>
      stack.sql.query(
        `INSERT INTO auth.audit_log (tenant_id, connection_id, event, actor, created_at)
         VALUES ($1, $2, $3, 'test', now() - make_interval(days => $4))`,
        [stack.tenantId, id, event, days],
      );
    await backdate(366, 'connection.tested');
    await backdate(364, 'credential.served');
    const events = async () =>
      (await stack.admin('GET', `/api/v1/connections/${id}/audit`)).body.entries.map((e) => e.event);
    expect(await events()).toEqual(['credential.served', 'connection.tested', 'connection.created']);

    // auth-service prunes every second here; the row past retention goes, the others stay.
    const deadline = Date.now() + 15_000;
    while ((await events()).includes('connection.tested') && Date.now() < deadline) await sleep(200);
    expect(await events()).toEqual(['credential.served', 'connection.created']);
  });

  it('signs NetSuite TBA requests on demand instead of handing out a token', async () => {
    const created = await createNetSuiteConnection(stack, '1234567_SB1');
    expect(created.status).toBe(201);
    const url = `${stack.sandbox.url}/netsuite/1234567_SB1/services/rest/record/v1/customer?limit=5`;
    const signed = await request(sync, 'auth.sign.tba.v1', {
      tenantId: stack.tenantId,
      connectionId: created.body.id,
      method: 'GET',
      url,
    });
    expect(signed.headers.Authorization).toMatch(/^OAuth realm="1234567_SB1"/);
    expect(JSON.stringify(signed)).not.toContain('ns-token-secret');
    expect((await fetch(url, { headers: signed.headers })).status).toBe(200);
    const token = await request(sync, 'auth.token.get.v1', { tenantId: stack.tenantId, connectionId: created.body.id });
    expect(token.error.code).toBe('INVALID_REQUEST');
  });

  it('audits which caller was served, without secrets', async () => {
    const rows = await stack.sql.query(
      `SELECT actor, detail::text AS d FROM auth.audit_log WHERE event = 'credential.served'`,
    );
    expect(rows.rows.length).toBeGreaterThan(0);
    expect(rows.rows[0]?.actor).toBe('sync-service');
  });

  it('documents the connection, connect and OAuth routes in OpenAPI, with their query parameters and bodies', async () => {
    interface Operation {
      parameters?: { name: string; in: string; required: boolean; schema: { maximum?: number; enum?: string[] } }[];
      requestBody?: {
        content: Record<string, { schema: { required?: string[]; properties: Record<string, unknown> } }>;
      };
    }
    const docs = (await (await fetch(`${stack.gateway.url}/docs/json`)).json()) as {
      paths: Record<string, Record<string, Operation>>;
    };
    for (const path of [
      '/api/v1/connections',
      '/api/v1/connections/{id}',
      '/api/v1/connections/{id}/test',
      '/api/v1/connections/{id}/audit',
      '/api/v1/connect-sessions',
      '/oauth/callback',
    ]) {
      expect(Object.keys(docs.paths)).toContain(path);
    }
    // Taken from the zod schemas that validate them: names, bounds and enums as the gateway enforces them.
    const query = (path: string) =>
      Object.fromEntries(
        (docs.paths[path]?.get?.parameters ?? []).filter((p) => p.in === 'query').map((p) => [p.name, p]),
      );
    expect(query('/api/v1/connections/{id}/audit')).toMatchObject({
      limit: { required: false, schema: { maximum: 200 } },
      before: { required: false },
    });
    expect(Object.keys(query('/api/v1/records/{entity}')).sort()).toEqual(
      ['after', 'connectionId', 'externalId', 'includeDeleted', 'limit'].sort(),
    );
    expect(query('/api/v1/sync-runs').status?.schema.enum).toContain('succeeded');
    const body = docs.paths['/api/v1/connect-sessions']?.post?.requestBody?.content['application/json']?.schema;
    expect(body?.required).toContain('provider');
  });

  it('never prints a seeded secret in logs or HTTP responses', async () => {
    const everything = `${allOutput(stack)}\n${stack.responses.join('\n')}`;
    for (const canary of Object.values(canaries)) {
      for (const form of [canary, Buffer.from(canary).toString('base64'), encodeURIComponent(canary)]) {
        expect(everything).not.toContain(form);
      }
    }
    const audit = await stack.sql.query(`SELECT detail::text AS d FROM auth.audit_log`);
    expect(audit.rows.length).toBeGreaterThan(0);
    for (const row of audit.rows) for (const canary of Object.values(canaries)) expect(row.d).not.toContain(canary);
  });
});
