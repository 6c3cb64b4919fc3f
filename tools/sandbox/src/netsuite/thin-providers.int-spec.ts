import { startSandbox, type RunningSandbox } from '../sandbox.js';
import { authorizeRedirect, call, manualClock, pkcePair, postJson, tbaHeader } from '../sandbox.test-kit.js';

const ACCOUNT = '1234567_SB1';
const CONSUMER = { key: 'ck-123', secret: 'cs-456' };
const TOKEN = { id: 'tk-789', secret: 'ts-012' };

const sign = (method: string, url: string, nowS: number, tokenSecret = TOKEN.secret): string =>
  tbaHeader(
    { realm: ACCOUNT, consumerKey: CONSUMER.key, consumerSecret: CONSUMER.secret, tokenId: TOKEN.id, tokenSecret },
    method,
    url,
    nowS,
  );

describe('thin providers', () => {
  const clock = manualClock();
  let sandbox: RunningSandbox;

  beforeAll(async () => {
    sandbox = await startSandbox({
      clock: clock.now,
      config: {
        apps: [
          { provider: 'netsuite', clientId: CONSUMER.key, clientSecret: CONSUMER.secret },
          {
            provider: 'atlassian',
            clientId: 'atl-client',
            clientSecret: 'atl-secret',
            redirectUris: ['https://app.example.com/atl'],
          },
          { provider: 'plytix', clientId: 'plx-key', clientSecret: 'plx-password' },
          { provider: 'celigo', clientId: 'user-42', clientSecret: 'celigo-token' },
        ],
        accounts: [
          { provider: 'netsuite', account: ACCOUNT, tbaTokens: [{ tokenId: TOKEN.id, tokenSecret: TOKEN.secret }] },
        ],
      },
    });
  });
  afterAll(async () => sandbox.close());

  it('NetSuite TBA accepts a correctly signed request and rejects a wrong or replayed one', async () => {
    const url = `${sandbox.url}/netsuite/${ACCOUNT}/services/rest/record/v1/customer?limit=10&offset=5`;
    const nowS = Math.floor(clock.now() / 1000);
    const good = sign('GET', url, nowS);
    const ok = await call<{ items: unknown[]; hasMore: boolean; totalResults: number }>(url, {
      headers: { authorization: good },
    });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ hasMore: true, totalResults: 25 });
    expect(ok.body.items).toHaveLength(10);
    const replay = await call(url, { headers: { authorization: good } });
    expect(replay.status).toBe(401);
    const wrong = await call<{ 'o:errorDetails': { 'o:errorCode': string }[] }>(url, {
      headers: { authorization: sign('GET', url, nowS, 'bad-secret') },
    });
    expect(wrong.status).toBe(401);
    expect(wrong.body['o:errorDetails'][0]?.['o:errorCode']).toBe('INVALID_LOGIN');
    const stale = await call(url, { headers: { authorization: sign('GET', url, nowS - 3600) } });
    expect(stale.status).toBe(401);
    const tampered = await call(url.replace('offset=5', 'offset=6'), {
      headers: { authorization: sign('GET', url, nowS) },
    });
    expect(tampered.status).toBe(401);
  });

  it('generic OAuth 2.0: PKCE code, rotating refresh with reuse detection, userinfo, Atlassian accessible resources', async () => {
    const { verifier, challenge } = pkcePair();
    const auth = await authorizeRedirect(
      `${sandbox.url}/oauth2/authorize?response_type=code&client_id=atl-client&scope=read:jira-work%20offline_access&redirect_uri=${encodeURIComponent('https://app.example.com/atl')}&state=st&code_challenge=${challenge}&code_challenge_method=S256&sandbox_account=acme`,
    );
    const code = auth.location?.searchParams.get('code') ?? '';
    const form = (fields: Record<string, string>): Promise<{ status: number; body: Record<string, unknown> }> =>
      call(`${sandbox.url}/oauth2/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(fields).toString(),
      });
    const wrongVerifier = await form({
      grant_type: 'authorization_code',
      client_id: 'atl-client',
      client_secret: 'atl-secret',
      code,
      redirect_uri: 'https://app.example.com/atl',
      code_verifier: pkcePair().verifier,
    });
    expect(wrongVerifier).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    const auth2 = await authorizeRedirect(
      `${sandbox.url}/oauth2/authorize?response_type=code&client_id=atl-client&scope=read:jira-work&redirect_uri=${encodeURIComponent('https://app.example.com/atl')}&code_challenge=${challenge}&code_challenge_method=S256&sandbox_account=acme`,
    );
    const token = await form({
      grant_type: 'authorization_code',
      client_id: 'atl-client',
      client_secret: 'atl-secret',
      code: auth2.location?.searchParams.get('code') ?? '',
      redirect_uri: 'https://app.example.com/atl',
      code_verifier: verifier,
    });
    expect(token).toMatchObject({
      status: 200,
      body: { token_type: 'Bearer', expires_in: 3600, scope: 'read:jira-work' },
    });
    const r1 = String(token.body.refresh_token);
    const rotated = await postJson(`${sandbox.url}/oauth2/token`, {
      grant_type: 'refresh_token',
      client_id: 'atl-client',
      client_secret: 'atl-secret',
      refresh_token: r1,
    });
    expect(rotated.status).toBe(200);
    expect(rotated.body.refresh_token).not.toBe(r1);
    const reuse = await postJson(`${sandbox.url}/oauth2/token`, {
      grant_type: 'refresh_token',
      client_id: 'atl-client',
      client_secret: 'atl-secret',
      refresh_token: r1,
    });
    expect(reuse).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    const sites = await call<{ id: string; url: string }[]>(
      `${sandbox.url}/atlassian/oauth/token/accessible-resources`,
      { headers: { authorization: `Bearer ${String(token.body.access_token)}` } },
    );
    expect(sites.status).toBe(401);
    const basic = Buffer.from('atl-client:wrong').toString('base64');
    const badClient = await call(`${sandbox.url}/oauth2/token`, {
      method: 'POST',
      headers: { authorization: `Basic ${basic}`, 'content-type': 'application/json' },
      body: '{"grant_type":"client_credentials"}',
    });
    expect(badClient.status).toBe(401);
    const refreshes = sandbox
      .ledger({ provider: 'atlassian', endpoint: 'oauth2.token' })
      .filter((e) => e.grantType === 'refresh_token');
    expect(refreshes.map((e) => e.status)).toEqual([200, 400]);
  });

  it('Atlassian accessible resources and userinfo with a live token', async () => {
    const auth = await authorizeRedirect(
      `${sandbox.url}/oauth2/authorize?response_type=code&client_id=atl-client&scope=read:me&redirect_uri=${encodeURIComponent('https://app.example.com/atl')}&sandbox_account=acme`,
    );
    const token = await postJson(`${sandbox.url}/oauth2/token`, {
      grant_type: 'authorization_code',
      client_id: 'atl-client',
      client_secret: 'atl-secret',
      code: auth.location?.searchParams.get('code'),
      redirect_uri: 'https://app.example.com/atl',
    });
    const headers = { authorization: `Bearer ${String(token.body.access_token)}` };
    const sites = await call<{ id: string; url: string }[]>(
      `${sandbox.url}/atlassian/oauth/token/accessible-resources`,
      { headers },
    );
    expect(sites.body[0]).toMatchObject({ url: 'https://acme.atlassian.net' });
    expect(sites.body[0]?.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}$/);
    await expect(call(`${sandbox.url}/oauth2/userinfo`, { headers })).resolves.toMatchObject({
      status: 200,
      body: { sub: 'acme' },
    });
  });

  it('Plytix: key + password → 15-minute token; Celigo: static bearer', async () => {
    const bad = await postJson(`${sandbox.url}/plytix/auth/api/get-token`, {
      api_key: 'plx-key',
      api_password: 'nope',
    });
    expect(bad.status).toBe(401);
    const token = await postJson<{ data: { access_token: string }[] }>(`${sandbox.url}/plytix/auth/api/get-token`, {
      api_key: 'plx-key',
      api_password: 'plx-password',
    });
    const jwt = token.body.data[0]?.access_token ?? '';
    const claims = JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString()) as {
      iat: number;
      exp: number;
    };
    expect(claims.exp - claims.iat).toBe(900);
    const search = await postJson<{ data: unknown[]; pagination: { total_count: number } }>(
      `${sandbox.url}/plytix/api/v1/products/search`,
      { pagination: { page: 1, page_size: 10 } },
      { authorization: `Bearer ${jwt}` },
    );
    expect(search.body.data).toHaveLength(10);
    expect(search.body.pagination.total_count).toBe(200);
    clock.advance(900_000);
    await expect(
      postJson(`${sandbox.url}/plytix/api/v1/products/search`, {}, { authorization: `Bearer ${jwt}` }),
    ).resolves.toMatchObject({ status: 401 });
    await expect(
      call(`${sandbox.url}/celigo/v1/tokenInfo`, { headers: { authorization: 'Bearer celigo-token' } }),
    ).resolves.toMatchObject({ status: 200, body: { _userId: 'user-42', scope: '*' } });
    await expect(
      call(`${sandbox.url}/celigo/v1/tokenInfo`, { headers: { authorization: 'Bearer nope' } }),
    ).resolves.toMatchObject({ status: 401 });
  });
});
