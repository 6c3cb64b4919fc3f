import { startSandbox, type RunningSandbox } from '../sandbox.js';
import { admin, authorizeRedirect, call, manualClock, pkcePair, postJson } from '../sandbox.test-kit.js';

const CLIENT = {
  provider: 'square',
  clientId: 'sq0idp-test',
  clientSecret: 'sq0csp-secret',
  redirectUris: ['https://app.example.com/cb'],
};
const MERCHANT = 'MLTESTMERCHANT1';

describe('Square OAuth', () => {
  const clock = manualClock();
  let sandbox: RunningSandbox;
  let sq: string;

  beforeAll(async () => {
    sandbox = await startSandbox({
      clock: clock.now,
      config: { apps: [CLIENT as never], accounts: [{ provider: 'square', account: MERCHANT }] },
    });
    sq = `${sandbox.url}/square`;
  });
  afterAll(async () => sandbox.close());

  async function authorize(extra = ''): Promise<URL> {
    const r = await authorizeRedirect(
      `${sq}/oauth2/authorize?client_id=${CLIENT.clientId}&scope=ORDERS_READ+ITEMS_READ&state=xyz&session=false${extra}`,
    );
    expect(r.status).toBe(302);
    if (!r.location) throw new Error('no redirect');
    return r.location;
  }

  it('code flow: exchange, multi-use non-rotating refresh, status, expiry', async () => {
    const cb = await authorize();
    expect(cb.origin + cb.pathname).toBe('https://app.example.com/cb');
    expect(cb.searchParams.get('state')).toBe('xyz');
    const code = cb.searchParams.get('code') ?? '';
    const token = await postJson(`${sq}/oauth2/token`, {
      client_id: CLIENT.clientId,
      client_secret: CLIENT.clientSecret,
      code,
      grant_type: 'authorization_code',
    });
    expect(token.status).toBe(200);
    expect(token.body).toMatchObject({ token_type: 'bearer', merchant_id: MERCHANT, short_lived: false });
    expect(token.body.expires_in).toBeUndefined();
    expect(Date.parse(String(token.body.expires_at)) - clock.now()).toBe(30 * 86_400_000);
    expect(token.body.refresh_token_expires_at).toBeUndefined();
    const refresh = String(token.body.refresh_token);
    for (let i = 0; i < 2; i++) {
      const r = await postJson(`${sq}/oauth2/token`, {
        client_id: CLIENT.clientId,
        client_secret: CLIENT.clientSecret,
        refresh_token: refresh,
        grant_type: 'refresh_token',
      });
      expect(r.status).toBe(200);
      expect(r.body.refresh_token).toBe(refresh);
    }
    const access = String(token.body.access_token);
    const status = await postJson(`${sq}/oauth2/token/status`, {}, { authorization: `Bearer ${access}` });
    expect(status.body).toMatchObject({
      merchant_id: MERCHANT,
      client_id: CLIENT.clientId,
      scopes: ['ORDERS_READ', 'ITEMS_READ'],
    });
    // Replaying the code revokes what it produced (RFC 6749 §4.1.2).
    const again = await postJson(`${sq}/oauth2/token`, {
      client_id: CLIENT.clientId,
      client_secret: CLIENT.clientSecret,
      code,
      grant_type: 'authorization_code',
    });
    expect(again.status).toBe(401);
    const after = await postJson(`${sq}/oauth2/token`, {
      client_id: CLIENT.clientId,
      client_secret: CLIENT.clientSecret,
      refresh_token: refresh,
      grant_type: 'refresh_token',
    });
    expect(after.status).toBe(401);
  });

  it('code flow without secret is refused; wrong secret is 401', async () => {
    const code = (await authorize()).searchParams.get('code') ?? '';
    const noSecret = await postJson(`${sq}/oauth2/token`, {
      client_id: CLIENT.clientId,
      code,
      grant_type: 'authorization_code',
    });
    expect(noSecret.status).toBe(400);
    const wrong = await postJson(`${sq}/oauth2/token`, {
      client_id: CLIENT.clientId,
      client_secret: 'nope',
      code,
      grant_type: 'authorization_code',
    });
    expect(wrong.status).toBe(401);
    expect(wrong.text).not.toContain(CLIENT.clientSecret);
  });

  it('PKCE flow: rotation each use, reuse of a spent token revokes the family', async () => {
    await admin(sandbox.url, '/ledger', undefined, 'DELETE');
    const { verifier, challenge } = pkcePair();
    const code = (await authorize(`&code_challenge=${challenge}`)).searchParams.get('code') ?? '';
    const bad = await postJson(`${sq}/oauth2/token`, {
      client_id: CLIENT.clientId,
      code,
      code_verifier: pkcePair().verifier,
      grant_type: 'authorization_code',
    });
    expect(bad.status).toBe(401);
    const code2 = (await authorize(`&code_challenge=${challenge}`)).searchParams.get('code') ?? '';
    const first = await postJson(`${sq}/oauth2/token`, {
      client_id: CLIENT.clientId,
      code: code2,
      code_verifier: verifier,
      grant_type: 'authorization_code',
    });
    expect(first.status).toBe(200);
    expect(first.body.refresh_token_expires_at).toEqual(new Date(clock.now() + 90 * 86_400_000).toISOString());
    const r1 = String(first.body.refresh_token);
    const second = await postJson(`${sq}/oauth2/token`, {
      client_id: CLIENT.clientId,
      refresh_token: r1,
      grant_type: 'refresh_token',
    });
    expect(second.status).toBe(200);
    const r2 = String(second.body.refresh_token);
    expect(r2).not.toBe(r1);
    const access2 = String(second.body.access_token);
    await expect(
      call(`${sq}/v2/merchants/me`, { headers: { authorization: `Bearer ${access2}` } }),
    ).resolves.toMatchObject({ status: 200 });
    const reuse = await postJson(`${sq}/oauth2/token`, {
      client_id: CLIENT.clientId,
      refresh_token: r1,
      grant_type: 'refresh_token',
    });
    expect(reuse.status).toBe(401);
    expect((reuse.body.errors as { code: string }[])[0]?.code).toBe('UNAUTHORIZED');
    const afterFamily = await postJson(`${sq}/oauth2/token`, {
      client_id: CLIENT.clientId,
      refresh_token: r2,
      grant_type: 'refresh_token',
    });
    expect(afterFamily.status).toBe(401);
    const me = await call<{ errors: { code: string }[] }>(`${sq}/v2/merchants/me`, {
      headers: { authorization: `Bearer ${access2}` },
    });
    expect(me.status).toBe(401);
    expect(me.body.errors[0]?.code).toBe('ACCESS_TOKEN_REVOKED');
    const refreshes = sandbox
      .ledger({ provider: 'square', endpoint: 'square.oauth.token' })
      .filter((e) => e.grantType === 'refresh_token');
    expect(refreshes.map((e) => e.status)).toEqual([200, 401, 401]);
    expect(JSON.stringify(sandbox.ledger())).not.toContain(r1);
  });

  it('deny, admin expire and revoke', async () => {
    await admin(sandbox.url, '/accounts', { provider: 'square', account: 'MLDENY', deny: true });
    const denied = await authorizeRedirect(
      `${sq}/oauth2/authorize?client_id=${CLIENT.clientId}&scope=ORDERS_READ&state=s1&sandbox_account=MLDENY`,
    );
    expect(denied.location?.searchParams.get('error')).toBe('access_denied');
    expect(denied.location?.searchParams.get('state')).toBe('s1');
    const code = (await authorize()).searchParams.get('code') ?? '';
    const token = await postJson(`${sq}/oauth2/token`, {
      client_id: CLIENT.clientId,
      client_secret: CLIENT.clientSecret,
      code,
      grant_type: 'authorization_code',
    });
    const auth = { authorization: `Bearer ${String(token.body.access_token)}`, 'square-version': '2026-05-20' };
    await expect(call(`${sq}/v2/locations`, { headers: auth })).resolves.toMatchObject({ status: 200 });
    await admin(sandbox.url, '/tokens/expire', { provider: 'square', account: MERCHANT });
    const expired = await call<{ errors: { code: string }[] }>(`${sq}/v2/locations`, { headers: auth });
    expect(expired.status).toBe(401);
    expect(expired.body.errors[0]?.code).toBe('ACCESS_TOKEN_EXPIRED');
    const refreshed = await postJson(`${sq}/oauth2/token`, {
      client_id: CLIENT.clientId,
      client_secret: CLIENT.clientSecret,
      refresh_token: token.body.refresh_token,
      grant_type: 'refresh_token',
    });
    expect(refreshed.status).toBe(200);
    await admin(sandbox.url, '/tokens/revoke', { provider: 'square', account: MERCHANT });
    const revoked = await postJson(`${sq}/oauth2/token`, {
      client_id: CLIENT.clientId,
      client_secret: CLIENT.clientSecret,
      refresh_token: token.body.refresh_token,
      grant_type: 'refresh_token',
    });
    expect(revoked.status).toBe(401);
    const versions = sandbox.ledger({ endpoint: 'square.locations.list' }).map((e) => e.apiVersion);
    expect(versions).toEqual(['2026-05-20', '2026-05-20']);
  });

  it('revoke needs Authorization: Client {secret}', async () => {
    const bad = await postJson(
      `${sq}/oauth2/revoke`,
      { client_id: CLIENT.clientId, merchant_id: MERCHANT },
      { authorization: `Bearer ${CLIENT.clientSecret}` },
    );
    expect(bad.status).toBe(401);
    const ok = await postJson(
      `${sq}/oauth2/revoke`,
      { client_id: CLIENT.clientId, merchant_id: MERCHANT },
      { authorization: `Client ${CLIENT.clientSecret}` },
    );
    expect(ok.body).toEqual({ success: true });
  });
});
