import { createPkcePair } from '@shelflink/crypto';
import { shopifyCallbackMessage } from '@shelflink/providers';
import { startSandbox, type RunningSandbox } from '@shelflink/sandbox';
import { createHash, createHmac } from 'node:crypto';
import { authFactories, type AuthFactories } from '../../test/auth.factories.js';
import { startAuthServices, type AuthReplica, type AuthServicesHarness } from '../../test/auth-services.harness.js';

// OAuth connect at service level against the in-process sandbox (authorize redirect, code single use, PKCE check).
// Connect-session expiry is judged by Postgres's clock (now() in SQL), not by the injected Clock.
describe('OAuthService (int)', () => {
  let sandbox: RunningSandbox;
  let harness: AuthServicesHarness;
  let replica: AuthReplica;
  let make: AuthFactories;
  let tenantId: string;

  beforeAll(async () => {
    sandbox = await startSandbox({
      config: {
        apps: [
          { provider: 'oauth2', clientId: 'sandbox-oauth-client', clientSecret: 'sandbox-oauth-secret' },
          { provider: 'shopify', clientId: 'sandbox-shopify-client', clientSecret: 'sandbox-shopify-secret' },
        ],
        accounts: [{ provider: 'oauth2', account: 'declines', deny: true }],
      },
    });
    harness = await startAuthServices({ prefix: 'int_auth_oauth', providerUrl: sandbox.url });
    replica = harness.replica;
    make = authFactories(replica, harness.clock);
  });

  beforeEach(async () => {
    harness.clock.set(Date.now());
    tenantId = await make.tenant();
  });

  afterAll(async () => {
    await harness?.close();
    await sandbox?.close();
  });

  const start = async (alias: string, extra: { shop?: string } = {}) =>
    (
      await replica.oauth.startSession({
        tenantId,
        provider: extra.shop ? 'shopify' : 'sandbox-oauth',
        alias,
        ...extra,
      })
    ).authorizeUrl;
  /** The user consents at the provider; returns the query the provider redirects back with. */
  const consent = async (authorizeUrl: string, account?: string): Promise<URLSearchParams> => {
    const url = new URL(authorizeUrl);
    if (account) url.searchParams.set('sandbox_account', account);
    const location = (await fetch(url, { redirect: 'manual' })).headers.get('location');
    if (!location) throw new Error('the provider did not redirect back');
    return new URL(location).searchParams;
  };
  const callback = (query: URLSearchParams) => replica.oauth.callback(query.toString());
  const rejected = (reason: string) => ({ code: 'INVALID_REQUEST', reason });
  const stateId = (query: URLSearchParams) =>
    createHash('sha256')
      .update(query.get('state') ?? '')
      .digest('base64url');
  const stateRow = async (id: string) =>
    (
      await replica.dataSource.query<{ row: string; consumed: boolean; ttl: number }[]>(
        `SELECT row_to_json(s)::text AS row, consumed_at IS NOT NULL AS consumed,
           extract(epoch FROM expires_at - created_at)::int AS ttl FROM auth.oauth_states s WHERE id = $1`,
        [id],
      )
    )[0];
  const connectionCount = async () => (await replica.connections.listForTenant(tenantId)).length;

  it('keeps only a hash of the state, sends an S256 challenge and connects with the sealed verifier', async () => {
    const authorizeUrl = await start('main');
    const params = new URL(authorizeUrl).searchParams;
    expect(Object.fromEntries(params)).toEqual({
      client_id: 'sandbox-oauth-client',
      redirect_uri: 'http://127.0.0.1:3000/oauth/callback',
      response_type: 'code',
      scope: 'read',
      state: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      code_challenge: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      code_challenge_method: 'S256',
    });
    const row = await stateRow(stateId(params));
    expect(row?.ttl).toBe(harness.config.AUTH_OAUTH_STATE_TTL_SECONDS);
    expect(row?.row).not.toContain(params.get('state'));

    // The sandbox redeems the code only with the verifier matching the challenge.
    const done = await callback(await consent(authorizeUrl));
    expect(done).toEqual({
      connectionId: expect.any(String),
      provider: 'sandbox-oauth',
      alias: 'main',
      status: 'active',
    });
    const served = await replica.tokens.get(tenantId, done.connectionId, 'sync');
    expect((await fetch(`${sandbox.url}/oauth2/userinfo`, { headers: served.headers })).status).toBe(200);
    expect(await harness.audited(done.connectionId, 'connection.created')).toEqual([
      { provider: 'sandbox-oauth', reconnect: false },
    ]);

    // Connecting the same alias again replaces the credentials of the same connection.
    const again = await callback(await consent(await start('main')));
    expect(again.connectionId).toBe(done.connectionId);
    expect(await harness.credentialRow(done.connectionId)).toMatchObject({ version: 2 });
  });

  it('uses a state once: concurrent callbacks and a replay connect exactly once', async () => {
    const query = await consent(await start('once'));
    const outcomes = await Promise.allSettled([callback(query), callback(query), callback(query)]);
    expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
    for (const outcome of outcomes.filter((o) => o.status === 'rejected'))
      expect(outcome.reason).toMatchObject(rejected('OAUTH_STATE_REPLAYED'));
    await expect(callback(query)).rejects.toMatchObject(rejected('OAUTH_STATE_REPLAYED'));
    expect(await connectionCount()).toBe(1);
  });

  it("expires a state on Postgres's clock: the service clock moving on does not, now() passing does", async () => {
    const late = await consent(await start('late'));
    harness.clock.advance((harness.config.AUTH_OAUTH_STATE_TTL_SECONDS + 3_600) * 1_000);
    await expect(callback(late)).resolves.toMatchObject({ alias: 'late' });

    const expired = await consent(await start('expired'));
    await replica.dataSource.query(`UPDATE auth.oauth_states SET expires_at = now() - interval '1 ms' WHERE id = $1`, [
      stateId(expired),
    ]);
    await expect(callback(expired)).rejects.toMatchObject(rejected('OAUTH_STATE_EXPIRED'));
    expect(await stateRow(stateId(expired))).toMatchObject({ consumed: false });
    expect(await connectionCount()).toBe(1);
  });

  it('rejects a session whose PKCE verifier is missing or does not match, storing nothing', async () => {
    const missing = await consent(await start('noverifier'));
    await replica.dataSource.query(`UPDATE auth.oauth_states SET pkce_verifier = NULL WHERE id = $1`, [
      stateId(missing),
    ]);
    await expect(callback(missing)).rejects.toMatchObject(rejected('OAUTH_PKCE_MISSING'));

    const wrong = await consent(await start('wrongverifier'));
    const sealed = replica.vault.sealOne(tenantId, stateId(wrong), 'pkceVerifier', createPkcePair().verifier);
    await replica.dataSource.query(`UPDATE auth.oauth_states SET pkce_verifier = $2 WHERE id = $1`, [
      stateId(wrong),
      sealed,
    ]);
    await expect(callback(wrong)).rejects.toMatchObject(rejected('OAUTH_EXCHANGE_FAILED'));
    expect(await connectionCount()).toBe(0);
  });

  it('rejects callbacks without a state, with an unknown one, without a code, or with a provider error', async () => {
    const query = await consent(await start('broken'));
    const without = (key: string) => new URLSearchParams([...query].filter(([name]) => name !== key));
    await expect(callback(without('state'))).rejects.toMatchObject(rejected('OAUTH_STATE_MISSING'));
    await expect(
      callback(new URLSearchParams({ ...Object.fromEntries(query), state: 'x'.repeat(43) })),
    ).rejects.toMatchObject(rejected('OAUTH_STATE_INVALID'));
    await expect(callback(without('code'))).rejects.toMatchObject(rejected('OAUTH_CODE_MISSING'));

    const failed = new URLSearchParams({ state: (await consent(await start('failed'))).get('state') ?? '' });
    failed.set('error', 'temporarily_unavailable');
    await expect(callback(failed)).rejects.toMatchObject(rejected('OAUTH_PROVIDER_ERROR'));
    const declined = await consent(await start('declined'), 'declines');
    await expect(callback(declined)).rejects.toMatchObject(rejected('OAUTH_ACCESS_DENIED'));
    const audit = await replica.dataSource.query<{ detail: unknown }[]>(
      `SELECT detail FROM auth.audit_log WHERE tenant_id = $1 AND event = 'oauth.rejected' ORDER BY id`,
      [tenantId],
    );
    expect(audit.map((row) => row.detail)).toEqual([
      { provider: 'sandbox-oauth', error: 'temporarily_unavailable' },
      { provider: 'sandbox-oauth', error: 'access_denied' },
    ]);
    expect(await connectionCount()).toBe(0);
  });

  it("checks a Shopify callback's HMAC and that the signed shop is the session's", async () => {
    const shop = 'int-shop.myshopify.com';
    const forged = await consent(await start('forged', { shop }));
    forged.set('hmac', '0'.repeat(64));
    await expect(callback(forged)).rejects.toMatchObject(rejected('OAUTH_HMAC_INVALID'));

    const moved = await consent(await start('moved', { shop }));
    moved.set('shop', 'another-shop.myshopify.com');
    moved.delete('hmac');
    moved.set(
      'hmac',
      createHmac('sha256', 'sandbox-shopify-secret').update(shopifyCallbackMessage(moved)).digest('hex'),
    );
    await expect(callback(moved)).rejects.toMatchObject(rejected('OAUTH_SHOP_INVALID'));
    expect(await connectionCount()).toBe(0);
  });
});
