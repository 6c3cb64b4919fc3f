import type { NatsConnection } from '@nats-io/transport-node';
import { shopifyCallbackMessage } from '@shelflink/providers';
import { createHmac } from 'node:crypto';
import { open, parseKeyring, tokenFingerprint } from '@shelflink/crypto';
import { eventually } from '@shelflink/testing';
import {
  allOutput,
  callbackRaw,
  canaries,
  completeOAuth,
  startAuthStack,
  type AuthStack,
  type Reply,
} from './auth-harness.js';
import { metricSample } from './metric-sample.js';

// OAuth connect through the real gateway, auth-service, Postgres, NATS and the sandbox, then expiry and refresh.
describe('auth-service OAuth connect and refresh (e2e)', () => {
  let stack: AuthStack;
  let sync: NatsConnection;
  let operator: NatsConnection;
  const issuedTokens: string[] = [];

  const token = async (connectionId: string) => {
    const reply = (
      await sync.request('auth.token.get.v1', JSON.stringify({ tenantId: stack.tenantId, connectionId }), {
        timeout: 15_000,
      })
    ).json<Reply>();
    if (typeof reply.accessToken === 'string') issuedTokens.push(reply.accessToken);
    return reply;
  };
  /** auth-service's `shelflink_auth_audit_events_total` for one event, from its /metrics (0 when absent). */
  const auditEvents = (event: string) =>
    metricSample(stack.auths[0]?.url ?? '', 'shelflink_auth_audit_events_total', { event });
  const connectionCount = async () =>
    Number((await stack.sql.query(`SELECT count(*)::int AS n FROM auth.connections`)).rows[0]?.n);
  const refreshCalls = (endpoint: string) =>
    stack.sandbox.ledger({ endpoint }).filter((e) => e.grantType === 'refresh_token').length;

  /** The sandbox expires the live token; our stored expiry follows (as time passing would), and the cache is cleared. */
  const expire = async (provider: string, account: string, connectionId: string) => {
    await fetch(`${stack.sandbox.url}/_admin/tokens/expire`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ provider, account }),
    });
    await stack.sql.query(
      `UPDATE auth.credentials SET access_expires_at = now() - interval '1 second' WHERE connection_id = $1`,
      [connectionId],
    );
    await operator.request('auth.admin.token-cache.clear.v1', '{}', { timeout: 5_000 });
  };

  const startSession = async (body: Record<string, unknown>) => {
    const session = await stack.admin('POST', '/api/v1/connect-sessions', body);
    expect(session.status).toBe(201);
    return session.body.authorizeUrl;
  };

  beforeAll(async () => {
    stack = await startAuthStack({ prefix: 'e2e_auth_oauth', env: { AUTH_KEEPALIVE_INTERVAL_MS: '500' } });
    sync = await stack.nats.connectAs('sync-service');
    operator = await stack.nats.connectAs('operator');
    stack.sandbox.registerAccount({ provider: 'square', account: 'MLSQUARE1' });
    stack.sandbox.registerAccount({ provider: 'square', account: 'MLDENY', deny: true });
  });

  afterAll(async () => {
    await Promise.all([sync, operator].map((nc) => nc?.close()));
    await stack?.close();
  });

  it('connects Square (code flow), serves the token, and refreshes after the sandbox expires it', async () => {
    const authorizeUrl = await startSession({ provider: 'square', alias: 'main' });
    const url = new URL(authorizeUrl);
    expect(url.searchParams.get('state')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(url.searchParams.get('code_challenge')).toBeNull();
    url.searchParams.set('sandbox_account', 'MLSQUARE1');
    const done = await completeOAuth(stack, url.toString());
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ result: 'connected', provider: 'square', alias: 'main', status: 'active' });
    const id = done.body.connectionId;
    const inspected = await stack.admin('GET', `/api/v1/connections/${id}`);
    expect(inspected.body.metadata).toMatchObject({ merchantId: 'MLSQUARE1' });

    const first = await token(id);
    expect(first.headers).toMatchObject({
      Authorization: `Bearer ${first.accessToken}`,
      'Square-Version': expect.any(String),
    });
    await expire('square', 'MLSQUARE1', id);
    const second = await token(id);
    expect(second.accessToken).not.toBe(first.accessToken);
    expect(refreshCalls('square.oauth.token')).toBe(1);
    const tested = await stack.admin('POST', `/api/v1/connections/${id}/test`);
    expect(tested.body).toMatchObject({ ok: true, status: 200 });
  });

  it('renews a token the provider refused before its expiry, once for every caller that reports it', async () => {
    stack.sandbox.registerAccount({ provider: 'square', account: 'MLREFUSED' });
    const url = new URL(await startSession({ provider: 'square', alias: 'refused' }));
    url.searchParams.set('sandbox_account', 'MLREFUSED');
    const id = (await completeOAuth(stack, url.toString())).body.connectionId;
    const reportRefused = async (fingerprint: string) =>
      (
        await sync.request(
          'auth.token.get.v1',
          JSON.stringify({ tenantId: stack.tenantId, connectionId: id, refusedTokenFingerprint: fingerprint }),
          { timeout: 15_000 },
        )
      ).json<Reply>();
    const refreshes = () => refreshCalls('square.oauth.token');
    const expireAtSandbox = () =>
      fetch(`${stack.sandbox.url}/_admin/tokens/expire`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ provider: 'square', account: 'MLREFUSED' }),
      });
    const refusedEvents = async () =>
      (
        await stack.sql.query(
          `SELECT detail FROM auth.audit_log WHERE connection_id = $1 AND event = 'credential.refused' ORDER BY id`,
          [id],
        )
      ).rows.map((row) => row.detail);
    const first = await token(id);
    const before = refreshes();

    // Some other token was refused (an old one): the current token comes back, nothing is refreshed.
    expect((await reportRefused(tokenFingerprint('an-older-token'))).accessToken).toBe(first.accessToken);
    expect(refreshes()).toBe(before);

    // The provider revokes the current token early; 20 callers report it at once: one refresh, one new token for all.
    await expireAtSandbox();
    const replies = await Promise.all(
      Array.from({ length: 20 }, () => reportRefused(tokenFingerprint(first.accessToken))),
    );
    const renewed = new Set(replies.map((reply) => reply.accessToken));
    expect(renewed.size).toBe(1);
    expect(renewed.has(first.accessToken)).toBe(false);
    expect(refreshes()).toBe(before + 1);
    issuedTokens.push(...renewed);
    // A late report of the old token changes nothing; the plain request serves the new one.
    expect((await reportRefused(tokenFingerprint(first.accessToken))).accessToken).toEqual(replies[0]?.accessToken);
    expect((await token(id)).accessToken).toEqual(replies[0]?.accessToken);
    expect(refreshes()).toBe(before + 1);
    // Audit rows are written after the reply (they never hold a caller up).
    await eventually(async () => (await auditEvents('credential.refused')) >= 1);
    expect(await refusedEvents()).toContainEqual({ version: expect.any(Number), renewable: true });

    // The fresh token is refused too, at once: the provider refuses the grant or the app, so no refresh churns.
    const fresh = replies[0]?.accessToken ?? '';
    await expireAtSandbox();
    expect((await reportRefused(tokenFingerprint(fresh))).accessToken).toBe(fresh);
    expect(refreshes()).toBe(before + 1);
    const unrenewed = async () =>
      (await refusedEvents()).filter((detail) => !(detail as { renewable: boolean }).renewable);
    await eventually(async () => (await unrenewed()).length === 1);
    expect(await unrenewed()).toEqual([{ version: expect.any(Number), renewable: false }]);
    // Past AUTH_REFUSED_RENEW_INTERVAL_MS (60 s) since that refresh, a refusal renews again.
    await stack.sql.query(
      `UPDATE auth.connections SET last_refreshed_at = now() - interval '2 minutes' WHERE id = $1`,
      [id],
    );
    const later = await reportRefused(tokenFingerprint(fresh));
    expect(later.accessToken).not.toBe(fresh);
    issuedTokens.push(later.accessToken);
    expect(refreshes()).toBe(before + 2);

    // A bad fingerprint is refused with a stable code.
    const bad = (
      await sync.request(
        'auth.token.get.v1',
        JSON.stringify({ tenantId: stack.tenantId, connectionId: id, refusedTokenFingerprint: 'not-hex' }),
        { timeout: 5_000 },
      )
    ).json<Reply>();
    expect(bad).toMatchObject({ error: { code: 'INVALID_REQUEST' } });
  });

  it('answers a refused token that cannot be renewed (a static access token) with the same token, still active', async () => {
    const created = await stack.admin('POST', '/api/v1/connections', {
      provider: 'square',
      alias: 'static-refused',
      credentials: { type: 'access-token', accessToken: 'static-square-token-refused-by-the-provider' },
      metadata: { merchantId: 'MLSTATIC' },
    });
    expect(created.status).toBe(201);
    const id = created.body.id;
    const reply = (
      await sync.request(
        'auth.token.get.v1',
        JSON.stringify({
          tenantId: stack.tenantId,
          connectionId: id,
          refusedTokenFingerprint: tokenFingerprint('static-square-token-refused-by-the-provider'),
        }),
        { timeout: 5_000 },
      )
    ).json<Reply>();
    expect(reply.accessToken).toBe('static-square-token-refused-by-the-provider');
    expect((await stack.admin('GET', `/api/v1/connections/${id}`)).body).toMatchObject({ status: 'active' });
    const audit = async () =>
      (
        await stack.sql.query(
          `SELECT detail FROM auth.audit_log WHERE connection_id = $1 AND event = 'credential.refused'`,
          [id],
        )
      ).rows.map((row) => row.detail);
    await eventually(async () => (await audit()).length > 0);
    expect(await audit()).toEqual([{ version: expect.any(Number), renewable: false }]);
  });

  it('marks a connection needs_reauth when the provider revoked it, unless it was reconnected since the event', async () => {
    stack.sandbox.registerAccount({ provider: 'square', account: 'MLUNINSTALL' });
    const connectUninstall = async () => {
      const url = new URL(await startSession({ provider: 'square', alias: 'uninstall' }));
      url.searchParams.set('sandbox_account', 'MLUNINSTALL');
      return (await completeOAuth(stack, url.toString())).body.connectionId;
    };
    const id = await connectUninstall();
    const ingest = await stack.nats.connectAs('webhook-ingest', { inboxPrefix: '_INBOX_webhook_ingest' });
    const report = async (receivedAt: Date, request: Record<string, unknown> = {}) =>
      (
        await ingest.request(
          'auth.internal.connection.revoked-at-provider.v1',
          JSON.stringify({
            tenantId: stack.tenantId,
            connectionId: id,
            provider: 'square',
            eventId: 'evt-uninstall-1',
            receivedAt: receivedAt.toISOString(),
            ...request,
          }),
          { timeout: 5_000 },
        )
      ).json<Record<string, unknown>>();
    const status = async () => (await stack.admin('GET', `/api/v1/connections/${id}`)).body.status;
    try {
      // An event from before these credentials were stored, or for another provider, changes nothing.
      expect(await report(new Date(Date.now() - 3_600_000))).toEqual({ status: 'unchanged' });
      expect(await report(new Date(), { provider: 'shopify' })).toEqual({ status: 'unchanged' });
      expect(await status()).toBe('active');

      const receivedAt = new Date();
      const markedBefore = await auditEvents('credential.needs_reauth');
      expect(await report(receivedAt)).toEqual({ status: 'needs_reauth' });
      expect(await report(receivedAt)).toEqual({ status: 'unchanged' });
      expect(await auditEvents('credential.needs_reauth')).toBe(markedBefore + 1);
      expect(await status()).toBe('needs_reauth');
      expect(await token(id)).toMatchObject({ error: { code: 'NEEDS_REAUTH' } });

      // The merchant reinstalls; the old event, replayed, does not undo the reconnect.
      expect(await connectUninstall()).toBe(id);
      expect(await status()).toBe('active');
      expect(await report(receivedAt)).toEqual({ status: 'unchanged' });
      expect(await status()).toBe('active');
      expect(await report(receivedAt, { eventId: '' })).toMatchObject({ error: { code: 'INVALID_REQUEST' } });
    } finally {
      await ingest.close();
    }
  });

  it('connects Square with PKCE (rotating refresh tokens) without sending the client secret', async () => {
    const authorizeUrl = await startSession({ provider: 'square', alias: 'pkce', pkce: true });
    const url = new URL(authorizeUrl);
    expect(url.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    url.searchParams.set('sandbox_account', 'MLSQUARE1');
    const done = await completeOAuth(stack, url.toString());
    expect(done.status).toBe(200);
    const id = done.body.connectionId;
    const before = await token(id);
    await expire('square', 'MLSQUARE1', id);
    const after = await token(id);
    expect(after.accessToken).not.toBe(before.accessToken);
    const publicRefresh = stack.sandbox
      .ledger({ endpoint: 'square.oauth.token' })
      .filter((e) => e.grantType === 'refresh_token' && e.authKind === 'public-client');
    expect(publicRefresh.length).toBe(1);
  });

  it('connects Shopify with expiring offline tokens after checking the callback HMAC and shop', async () => {
    const authorizeUrl = await startSession({ provider: 'shopify', alias: 'store', shop: 'oauth-shop.myshopify.com' });
    const done = await completeOAuth(stack, authorizeUrl);
    expect(done.status).toBe(200);
    const id = done.body.connectionId;
    const first = await token(id);
    expect(first.headers).toEqual({ 'X-Shopify-Access-Token': first.accessToken });
    expect(first.expiresAt).not.toBeNull();
    await expire('shopify', 'oauth-shop.myshopify.com', id);
    const second = await token(id);
    expect(second.accessToken).not.toBe(first.accessToken);
    expect(refreshCalls('shopify.oauth.token')).toBe(1);
  });

  it('connects a generic OAuth 2.0 provider from config (PKCE S256 required) and refreshes a rotating token', async () => {
    const authorizeUrl = await startSession({ provider: 'sandbox-oauth', alias: 'generic' });
    const url = new URL(authorizeUrl);
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    const done = await completeOAuth(stack, authorizeUrl);
    expect(done.status).toBe(200);
    const id = done.body.connectionId;
    const first = await token(id);
    await expire('oauth2', 'sandbox-site', id);
    const second = await token(id);
    expect(second.accessToken).not.toBe(first.accessToken);
    expect(refreshCalls('oauth2.token')).toBe(1);
    const third = await token(id);
    expect(third.accessToken).toBe(second.accessToken);
  });

  it('connects Atlassian (Jira) and stores the cloud id from accessible-resources', async () => {
    stack.sandbox.registerApp({
      provider: 'atlassian',
      clientId: 'sandbox-atlassian-client',
      clientSecret: 'sandbox-atlassian-secret',
    });
    const done = await completeOAuth(stack, await startSession({ provider: 'jira', alias: 'site' }));
    expect(done.status).toBe(200);
    const inspected = await stack.admin('GET', `/api/v1/connections/${done.body.connectionId}`);
    expect(inspected.body.metadata.cloudId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect((await token(done.body.connectionId)).headers.Authorization).toMatch(/^Bearer /);
  });

  it('marks the connection needs_reauth on invalid_grant, audits it, and calls the provider at most once more', async () => {
    const authorizeUrl = await startSession({
      provider: 'shopify',
      alias: 'doomed',
      shop: 'doomed-shop.myshopify.com',
    });
    const id = (await completeOAuth(stack, authorizeUrl)).body.connectionId;
    await token(id);
    await fetch(`${stack.sandbox.url}/_admin/tokens/revoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ provider: 'shopify', account: 'doomed-shop.myshopify.com' }),
    });
    await expire('shopify', 'doomed-shop.myshopify.com', id);
    const calls = () =>
      stack.sandbox
        .ledger({ endpoint: 'shopify.oauth.token', account: 'doomed-shop.myshopify.com' })
        .filter((e) => e.grantType === 'refresh_token').length;
    const first = await token(id);
    expect(first.error.code).toBe('NEEDS_REAUTH');
    const second = await token(id);
    expect(second.error.code).toBe('NEEDS_REAUTH');
    expect(calls()).toBe(1);
    expect((await stack.admin('GET', `/api/v1/connections/${id}`)).body.status).toBe('needs_reauth');
    const audit = await stack.sql.query(
      `SELECT event FROM auth.audit_log WHERE connection_id = $1 AND event = 'credential.needs_reauth'`,
      [id],
    );
    expect(audit.rows.length).toBe(1);
  });

  it('refreshes an idle connection in the background before its refresh token dies of inactivity', async () => {
    const id = (await completeOAuth(stack, await startSession({ provider: 'sandbox-oauth', alias: 'idle' }))).body
      .connectionId;
    const before = await token(id);
    await stack.sql.query(`UPDATE auth.connections SET last_refreshed_at = now() - interval '4 days' WHERE id = $1`, [
      id,
    ]);
    await eventually(async () => {
      const rows = await stack.sql.query(
        `SELECT last_refreshed_at > now() - interval '1 minute' AS fresh FROM auth.connections WHERE id = $1`,
        [id],
      );
      return rows.rows[0]?.fresh === true;
    }, 15_000);
    await operator.request('auth.admin.token-cache.clear.v1', '{}', { timeout: 5_000 });
    expect((await token(id)).accessToken).not.toBe(before.accessToken);
  });

  it('after a refresh whose result was never stored (crash window), the spent token leads to needs_reauth, not a loop', async () => {
    const id = (await completeOAuth(stack, await startSession({ provider: 'sandbox-oauth', alias: 'crashwindow' })))
      .body.connectionId;
    const row = await stack.sql.query<{ tenant_id: string; secrets: Record<string, string> }>(
      `SELECT tenant_id, secrets FROM auth.credentials WHERE connection_id = $1`,
      [id],
    );
    const stored = row.rows[0];
    if (!stored) throw new Error('no credentials row');
    const keyring = parseKeyring({ keys: `k1:${canaries.masterKey}`, activeKeyId: 'k1' });
    const refreshToken = open(keyring, stored.secrets.refreshToken ?? '', {
      tenantId: stored.tenant_id,
      connectionId: id,
      field: 'refreshToken',
    });
    // The provider rotated the token for a vault that died before its commit: our stored refresh token is now spent.
    const spent = await fetch(`${stack.sandbox.url}/oauth2/token`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from('sandbox-oauth-client:sandbox-oauth-secret').toString('base64')}`,
      },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken }).toString(),
    });
    expect(spent.status).toBe(200);
    await expire('oauth2', 'sandbox-site', id);
    const calls = () =>
      stack.sandbox.ledger({ endpoint: 'oauth2.token' }).filter((e) => e.grantType === 'refresh_token').length;
    const before = calls();
    expect((await token(id)).error.code).toBe('NEEDS_REAUTH');
    expect((await token(id)).error.code).toBe('NEEDS_REAUTH');
    expect(calls() - before).toBe(1);
  });

  describe('rejected callbacks store nothing', () => {
    it('replayed state', async () => {
      const authorize = await fetch(await startSession({ provider: 'sandbox-oauth', alias: 'replay' }), {
        redirect: 'manual',
      });
      const callback = authorize.headers.get('location') ?? '';
      expect((await callbackRaw(stack, callback)).status).toBe(200);
      const before = await connectionCount();
      const replay = await callbackRaw(stack, callback);
      expect(replay.status).toBe(400);
      expect(replay.body.error.code).toBe('OAUTH_STATE_REPLAYED');
      expect(await connectionCount()).toBe(before);
    });

    it.each([
      ['missing', (u: URL) => u.searchParams.delete('state'), 'OAUTH_STATE_MISSING'],
      ['foreign', (u: URL) => u.searchParams.set('state', 'x'.repeat(43)), 'OAUTH_STATE_INVALID'],
    ])('%s state', async (_name, tamper, code) => {
      const before = await connectionCount();
      const result = await completeOAuth(
        stack,
        await startSession({ provider: 'sandbox-oauth', alias: 'tamper' }),
        tamper,
      );
      expect(result.status).toBe(400);
      expect(result.body.error.code).toBe(code);
      expect(await connectionCount()).toBe(before);
    });

    it('expired state', async () => {
      const authorizeUrl = await startSession({ provider: 'sandbox-oauth', alias: 'late' });
      await stack.sql.query(
        `UPDATE auth.oauth_states SET expires_at = now() - interval '1 second' WHERE consumed_at IS NULL`,
      );
      const before = await connectionCount();
      const result = await completeOAuth(stack, authorizeUrl);
      expect(result.body.error.code).toBe('OAUTH_STATE_EXPIRED');
      expect(await connectionCount()).toBe(before);
    });

    it('missing PKCE verifier', async () => {
      const authorizeUrl = await startSession({ provider: 'sandbox-oauth', alias: 'noverifier' });
      await stack.sql.query(`UPDATE auth.oauth_states SET pkce_verifier = NULL WHERE consumed_at IS NULL`);
      const before = await connectionCount();
      const result = await completeOAuth(stack, authorizeUrl);
      expect(result.body.error.code).toBe('OAUTH_PKCE_MISSING');
      expect(await connectionCount()).toBe(before);
    });

    it('access_denied from the provider', async () => {
      const url = new URL(await startSession({ provider: 'square', alias: 'denied' }));
      url.searchParams.set('sandbox_account', 'MLDENY');
      const before = await connectionCount();
      const result = await completeOAuth(stack, url.toString());
      expect(result.status).toBe(400);
      expect(result.body.error.code).toBe('OAUTH_ACCESS_DENIED');
      expect(await connectionCount()).toBe(before);
    });

    it('Shopify callback with a bad HMAC, and one with a validly signed shop outside the pattern', async () => {
      const before = await connectionCount();
      const badHmac = await completeOAuth(
        stack,
        await startSession({ provider: 'shopify', alias: 'h1', shop: 'hmac-shop.myshopify.com' }),
        (u) => u.searchParams.set('hmac', '0'.repeat(64)),
      );
      expect(badHmac.body.error.code).toBe('OAUTH_HMAC_INVALID');
      const badShop = await completeOAuth(
        stack,
        await startSession({ provider: 'shopify', alias: 'h2', shop: 'hmac-shop.myshopify.com' }),
        (u) => {
          u.searchParams.set('shop', 'evil.com#.myshopify.com');
          u.searchParams.delete('hmac');
          const hmac = createHmac('sha256', 'sandbox-shopify-secret')
            .update(shopifyCallbackMessage(u.search.slice(1)))
            .digest('hex');
          u.searchParams.set('hmac', hmac);
        },
      );
      expect(badShop.body.error.code).toBe('OAUTH_SHOP_INVALID');
      expect(await connectionCount()).toBe(before);
    });
  });

  it('keeps every token out of plaintext storage, logs and HTTP responses', async () => {
    expect(issuedTokens.length).toBeGreaterThan(5);
    const dump = await stack.sql.query(
      `SELECT string_agg(t::text, '\n') AS all FROM (
         SELECT row_to_json(c)::text AS t FROM auth.credentials c UNION ALL SELECT row_to_json(o)::text FROM auth.oauth_states o
         UNION ALL SELECT row_to_json(a)::text FROM auth.audit_log a UNION ALL SELECT row_to_json(n)::text FROM auth.connections n) x`,
    );
    const everything = `${String(dump.rows[0]?.all)}\n${allOutput(stack)}\n${stack.responses.join('\n')}`;
    for (const secret of [...new Set(issuedTokens), ...Object.values(canaries)])
      expect(everything).not.toContain(secret);
  });
});
