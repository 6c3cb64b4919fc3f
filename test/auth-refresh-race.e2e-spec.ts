import type { NatsConnection } from '@nats-io/transport-node';
import { eventually } from '@shelflink/testing';
import { completeOAuth, startAuthStack, type AuthStack, type Reply } from './auth-harness.js';

// RELIABILITY.md T12: two vault processes, 200 concurrent token requests for an expired connection whose refresh
// token rotates with reuse detection (a second refresh would revoke the family).
describe('single-flight refresh across two auth-service processes (e2e)', () => {
  let stack: AuthStack;
  const callers: NatsConnection[] = [];

  beforeAll(async () => {
    stack = await startAuthStack({ prefix: 'e2e_auth_race', replicas: 2 });
    callers.push(await stack.nats.connectAs('sync-service'), await stack.nats.connectAs('sync-service'));
  });

  afterAll(async () => {
    await Promise.all(callers.map((nc) => nc.close()));
    await stack?.close();
  });

  it('refreshes exactly once, gives every caller the same new token, keeps the connection active, holds no transaction open', async () => {
    const session = await stack.admin('POST', '/api/v1/connect-sessions', { provider: 'sandbox-oauth', alias: 'race' });
    const done = await completeOAuth(stack, session.body.authorizeUrl);
    expect(done.status).toBe(200);
    const connectionId = done.body.connectionId;
    await fetch(`${stack.sandbox.url}/_admin/tokens/expire`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ provider: 'oauth2', account: 'sandbox-site' }),
    });
    await stack.sql.query(
      `UPDATE auth.credentials SET access_expires_at = now() - interval '1 second' WHERE connection_id = $1`,
      [connectionId],
    );
    // A slow token endpoint widens the race window and lets us look at Postgres while the provider call is in flight.
    await fetch(`${stack.sandbox.url}/_admin/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ provider: 'oauth2', kind: 'latency', ms: 1_500, endpoint: 'oauth2.token', count: 1 }),
    });
    stack.sandbox.ledger();
    const refreshesBefore = stack.sandbox
      .ledger({ endpoint: 'oauth2.token' })
      .filter((e) => e.grantType === 'refresh_token').length;

    let watching = true;
    let longestOpenTransactionMs = 0;
    const watcher = (async () => {
      while (watching) {
        const rows = await stack.sql.query(
          `SELECT coalesce(max(extract(epoch FROM now() - xact_start) * 1000), 0)::float AS ms FROM pg_stat_activity
           WHERE application_name = 'auth-service' AND xact_start IS NOT NULL AND state <> 'idle'`,
        );
        longestOpenTransactionMs = Math.max(longestOpenTransactionMs, Number(rows.rows[0]?.ms));
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    })();

    const body = JSON.stringify({ tenantId: stack.tenantId, connectionId });
    const replies = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        (callers[i % 2] as NatsConnection)
          .request('auth.token.get.v1', body, { timeout: 20_000 })
          .then((m) => m.json<Reply>()),
      ),
    );
    watching = false;
    await watcher;

    const tokens = new Set(replies.map((reply) => reply.accessToken));
    expect(replies.filter((reply) => reply.error)).toEqual([]);
    expect(tokens.size).toBe(1);
    const refreshes = stack.sandbox.ledger({ endpoint: 'oauth2.token' }).filter((e) => e.grantType === 'refresh_token');
    expect(refreshes.length - refreshesBefore).toBe(1);
    expect((await stack.admin('GET', `/api/v1/connections/${connectionId}`)).body.status).toBe('active');
    // The provider call took 1.5 s; a transaction spanning it would show up here.
    expect(longestOpenTransactionMs).toBeLessThan(1_000);
    // Both processes served the race (queue group) and the token stays usable afterwards.
    const after = (
      await (callers[0] as NatsConnection).request('auth.token.get.v1', body, { timeout: 5_000 })
    ).json<Reply>();
    expect(after.accessToken).toBe([...tokens][0]);
  });

  it('a refresh whose lease was taken over meanwhile stores nothing, answers CONFLICT and leaves an audit row', async () => {
    const session = await stack.admin('POST', '/api/v1/connect-sessions', {
      provider: 'sandbox-oauth',
      alias: 'fenced',
    });
    const connectionId = (await completeOAuth(stack, session.body.authorizeUrl)).body.connectionId;
    await stack.sql.query(
      `UPDATE auth.credentials SET access_expires_at = now() - interval '1 second' WHERE connection_id = $1`,
      [connectionId],
    );
    const before = await credentialRow(connectionId);
    await fetch(`${stack.sandbox.url}/_admin/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ provider: 'oauth2', kind: 'latency', ms: 1_500, endpoint: 'oauth2.token', count: 1 }),
    });
    const body = JSON.stringify({ tenantId: stack.tenantId, connectionId });
    const reply = (callers[0] as NatsConnection)
      .request('auth.token.get.v1', body, { timeout: 20_000 })
      .then((m) => m.json<Reply>());
    // While the provider call is in flight, another writer takes the lease and writes a version (as a replica whose
    // holder froze past its lease would).
    let holder: string | null = null;
    while (!holder) {
      holder = (await credentialRow(connectionId)).lease_owner;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await stack.sql.query(
      `UPDATE auth.credentials SET version = version + 1, lease_owner = 'another-replica',
         lease_until = now() + interval '1 minute' WHERE connection_id = $1`,
      [connectionId],
    );

    expect((await reply).error?.code).toBe('CONFLICT');
    const after = await credentialRow(connectionId);
    expect(after.version).toBe(before.version + 1);
    expect(after.secrets).toEqual(before.secrets);
    // The audit row is written after the reply (audits never delay a caller), so wait for it.
    const fenced = () =>
      stack.sql.query(
        `SELECT actor, detail FROM auth.audit_log WHERE connection_id = $1 AND event = 'credential.refresh_fenced'`,
        [connectionId],
      );
    await eventually(async () => (await fenced()).rows.length > 0);
    const audit = await fenced();
    expect(audit.rows).toEqual([{ actor: 'auth-service', detail: { expectedVersion: before.version } }]);
    await stack.sql.query(
      `UPDATE auth.credentials SET lease_owner = NULL, lease_until = NULL WHERE connection_id = $1`,
      [connectionId],
    );
  });

  async function credentialRow(
    connectionId: string,
  ): Promise<{ version: number; secrets: unknown; lease_owner: string | null }> {
    const result = await stack.sql.query(
      'SELECT version, secrets, lease_owner FROM auth.credentials WHERE connection_id = $1',
      [connectionId],
    );
    return result.rows[0] as { version: number; secrets: unknown; lease_owner: string | null };
  }
});
