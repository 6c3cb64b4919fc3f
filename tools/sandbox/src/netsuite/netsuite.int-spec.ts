import type { RunningSandbox } from '../sandbox.js';
import { admin, authorizeRedirect, call, useSandbox, tbaHeader, type JsonResponse } from '../sandbox.test-kit.js';

const ACCOUNT = '7654321_SB1';
const HOST_FORM = '7654321-sb1';
const CLIENT = { id: 'ns-client', secret: 'ns-secret' };
const TBA = {
  realm: ACCOUNT,
  consumerKey: 'ns-client',
  consumerSecret: 'ns-secret',
  tokenId: 'tk-1',
  tokenSecret: 'ts-1',
};
const REDIRECT = 'https://app.example.com/netsuite';

interface Collection {
  links: { rel: string; href: string }[];
  count: number;
  hasMore: boolean;
  items: Record<string, unknown>[];
  offset: number;
  totalResults: number;
}

describe('NetSuite sandbox', () => {
  const { clock, sandbox: running } = useSandbox({
    apps: [{ provider: 'netsuite', clientId: CLIENT.id, clientSecret: CLIENT.secret, redirectUris: [REDIRECT] }],
    accounts: [
      {
        provider: 'netsuite',
        account: ACCOUNT,
        locations: 3,
        products: 2500,
        orders: 3000,
        tbaTokens: [{ tokenId: TBA.tokenId, tokenSecret: TBA.tokenSecret }],
      },
      { provider: 'netsuite', account: 'BIG', locations: 3, products: 40_000, orders: 0 },
      { provider: 'netsuite', account: 'TINY', concurrencyLimit: 2, products: 10, orders: 10 },
      { provider: 'plytix', account: 'plx', products: 10 },
    ],
  });
  let sandbox: RunningSandbox;
  beforeAll(() => void (sandbox = running()));
  const base = (account = HOST_FORM): string => `${sandbox.url}/netsuite/${account}`;
  const basic = `Basic ${Buffer.from(`${CLIENT.id}:${CLIENT.secret}`).toString('base64')}`;

  async function tokenCall(account: string, form: Record<string, string>): Promise<JsonResponse> {
    return call(`${base(account)}/services/rest/auth/oauth2/v1/token`, {
      method: 'POST',
      headers: { authorization: basic, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form).toString(),
    });
  }

  async function connect(account = HOST_FORM): Promise<{ access: string; refresh: string }> {
    const auth = await authorizeRedirect(
      `${base(account)}/app/login/oauth2/authorize.nl?response_type=code&client_id=${CLIENT.id}&redirect_uri=${encodeURIComponent(REDIRECT)}&scope=rest_webservices&state=${'s'.repeat(22)}`,
    );
    const res = await tokenCall(account, {
      grant_type: 'authorization_code',
      code: auth.location?.searchParams.get('code') ?? '',
      redirect_uri: REDIRECT,
    });
    expect(res.body).toMatchObject({ token_type: 'Bearer', expires_in: 3600 });
    return { access: String(res.body.access_token), refresh: String(res.body.refresh_token) };
  }

  function suiteql(
    q: string,
    access: string,
    params = '',
    account = HOST_FORM,
    prefer = 'transient',
  ): Promise<JsonResponse<Collection>> {
    return call<Collection>(`${base(account)}/services/rest/query/v1/suiteql${params}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${access}`, 'content-type': 'application/json', prefer },
      body: JSON.stringify({ q }),
    });
  }

  async function exported(entity: string, account = ACCOUNT): Promise<Record<string, string>[]> {
    const res = await call(`${sandbox.url}/_admin/data/export?provider=netsuite&account=${account}&entity=${entity}`);
    return res.text
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, string>);
  }

  it('OAuth 2.0: 60-minute access tokens, a fixed 7-day refresh token, invalid_grant after it', async () => {
    const { access, refresh } = await connect();
    const test = (token: string): Promise<JsonResponse> =>
      call(`${base()}/services/rest/record/v1/location?limit=1`, { headers: { authorization: `Bearer ${token}` } });
    await expect(test(access)).resolves.toMatchObject({
      status: 200,
      body: { count: 1, hasMore: true, totalResults: 3 },
    });
    clock.advance(3600_000);
    await expect(test(access)).resolves.toMatchObject({
      status: 401,
      body: { 'o:errorDetails': [{ 'o:errorCode': 'INVALID_LOGIN' }] },
    });
    const refreshed = await tokenCall(HOST_FORM, { grant_type: 'refresh_token', refresh_token: refresh });
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.refresh_token).toBeUndefined();
    await expect(test(String(refreshed.body.access_token))).resolves.toMatchObject({ status: 200 });
    clock.advance(6 * 86_400_000);
    await expect(tokenCall(HOST_FORM, { grant_type: 'refresh_token', refresh_token: refresh })).resolves.toMatchObject({
      status: 200,
    });
    clock.advance(86_400_000);
    await expect(tokenCall(HOST_FORM, { grant_type: 'refresh_token', refresh_token: refresh })).resolves.toMatchObject({
      status: 400,
      body: { error: 'invalid_grant' },
    });
  });

  it('SuiteQL pages items with hasMore, count, totalResults and links; every page equals the export', async () => {
    const { access } = await connect();
    const rows: Record<string, unknown>[] = [];
    let next: string | undefined = '?limit=1000&offset=0';
    while (next) {
      const page = await suiteql(
        `SELECT id, itemid, upccode, TO_CHAR(lastmodifieddate, 'YYYY-MM-DD"T"HH24:MI:SS') AS modified FROM item ORDER BY id`,
        access,
        next,
      );
      expect(page.status).toBe(200);
      expect(page.body).toMatchObject({ totalResults: 2500, count: page.body.items.length });
      expect(page.body.links.find((l) => l.rel === 'last')?.href).toMatch(/limit=1000&offset=2000$/);
      rows.push(...page.body.items);
      const href = page.body.links.find((l) => l.rel === 'next')?.href;
      expect(page.body.hasMore).toBe(href !== undefined);
      next = href ? new URL(href).search : undefined;
    }
    const items = await exported('item');
    expect(rows).toEqual(
      items.map((i) => ({
        links: [],
        id: i.id,
        itemid: i.itemid,
        upccode: i.upccode,
        modified: (i.lastmodifieddate ?? '').slice(0, 19),
      })),
    );
    const plain = await suiteql('SELECT lastmodifieddate FROM item WHERE id = 1', access);
    expect(plain.body.items[0]?.lastmodifieddate).toMatch(/^\d{1,2}\/\d{1,2}\/\d{4}$/);
    await expect(suiteql('SELECT id FROM item', access, '', HOST_FORM, '')).resolves.toMatchObject({ status: 400 });
    await expect(suiteql('SELECT id FROM nothing', access)).resolves.toMatchObject({ status: 400 });
    await expect(suiteql('SELECT i.id FROM item i JOIN location l ON i.id = l.id', access)).resolves.toMatchObject({
      status: 400,
    });
  });

  it('an incremental query by lastmodifieddate finds only the changed items; orders and lines by transaction', async () => {
    const { access } = await connect();
    clock.advance(60_000);
    const since = new Date(clock.now()).toISOString().slice(0, 19).replace('T', ' ');
    await admin(sandbox.url, '/data/mutate', { provider: 'netsuite', account: ACCOUNT, products: 50 });
    const changed = await suiteql(
      `SELECT id FROM item WHERE lastmodifieddate >= TO_DATE('${since}', 'YYYY-MM-DD HH24:MI:SS') ORDER BY id`,
      access,
    );
    expect(changed.body.totalResults).toBe(50);
    const orders = await suiteql(
      "SELECT id, type, tranid FROM transaction WHERE type IN ('SalesOrd', 'CashSale') ORDER BY id",
      access,
      '?limit=10',
    );
    expect(orders.body.totalResults).toBe(3000);
    const lines = await suiteql(
      "SELECT transaction, item, quantity FROM transactionline WHERE transaction IN (1, 2) AND mainline = 'F' ORDER BY transaction",
      access,
    );
    const expected = (await exported('transactionline')).filter(
      (l) => ['1', '2'].includes(l.transaction ?? '') && l.mainline === 'F',
    );
    expect(lines.body.items).toEqual(
      expected.map((l) => ({ links: [], transaction: l.transaction, item: l.item, quantity: l.quantity })),
    );
    const so = orders.body.items.find((o) => o.type === 'SalesOrd');
    const record = await call<{ tranId: string; item: { items: unknown[] } }>(
      `${base()}/services/rest/record/v1/salesOrder/${String(so?.id)}?expandSubResources=true`,
      { headers: { authorization: `Bearer ${access}` } },
    );
    expect(record.body.tranId).toBe(so?.tranid);
    expect(record.body.item.items.length).toBeGreaterThan(0);
  });

  it('refuses pages past 100,000 rows or 1,000 pages; TBA works for SuiteQL', async () => {
    const url = `${base('big')}/services/rest/query/v1/suiteql?limit=1000&offset=99000`;
    const tba = { ...TBA, realm: 'BIG' };
    sandbox.registerAccount({
      provider: 'netsuite',
      account: 'BIG',
      tbaTokens: [{ tokenId: TBA.tokenId, tokenSecret: TBA.tokenSecret }],
    });
    const post = (target: string): Promise<JsonResponse<Collection>> =>
      call<Collection>(target, {
        method: 'POST',
        headers: {
          authorization: tbaHeader(tba, 'POST', target, Math.floor(clock.now() / 1000)),
          prefer: 'transient',
          'content-type': 'application/json',
        },
        body: JSON.stringify({ q: 'SELECT item, location, quantityonhand FROM inventoryitemlocations' }),
      });
    const last = await post(url);
    expect(last.body).toMatchObject({ totalResults: 120_000, count: 1000, hasMore: false });
    await expect(post(url.replace('offset=99000', 'offset=100000'))).resolves.toMatchObject({ status: 400 });
    await expect(post(url.replace('limit=1000&offset=99000', 'limit=5&offset=5000'))).resolves.toMatchObject({
      status: 400,
    });
  });

  it('refuses concurrent requests past the account limit with 429, and counts them', async () => {
    const { access } = await connect('tiny');
    await admin(sandbox.url, '/netsuite/governance', undefined, 'DELETE');
    await admin(sandbox.url, '/faults', {
      provider: 'netsuite',
      account: 'TINY',
      kind: 'latency',
      ms: 300,
      count: 0,
      endpoint: 'netsuite.suiteql',
    });
    const answers = await Promise.all(
      Array.from({ length: 5 }, () => suiteql('SELECT id FROM location', access, '', 'tiny')),
    );
    await admin(sandbox.url, '/faults', undefined, 'DELETE');
    const refused = answers.filter((a) => a.status === 429);
    expect(answers.filter((a) => a.status === 200)).toHaveLength(2);
    expect(refused).toHaveLength(3);
    expect(refused[0]?.body).toMatchObject({
      status: 429,
      'o:errorDetails': [{ 'o:errorCode': 'CONCURRENCY_LIMIT_EXCEEDED' }],
    });
    const governance = await call<{ accounts: { account: string; peak: number; refused: number; inFlight: number }[] }>(
      `${sandbox.url}/_admin/netsuite/governance`,
    );
    expect(governance.body.accounts.find((a) => a.account === 'TINY')).toMatchObject({
      peak: 2,
      refused: 3,
      inFlight: 0,
    });
  });

  it('gives an item the same GTIN as the Plytix product of the same SKU', async () => {
    const items = await exported('item');
    const plytix = (await call(`${sandbox.url}/_admin/data/export?provider=plytix&account=plx&entity=products`)).text
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { sku: string; gtin: string });
    expect(plytix.map((p) => [p.sku, p.gtin])).toEqual(items.slice(0, 10).map((i) => [i.itemid, i.upccode]));
  });
});
