import type { RunningSandbox } from '../sandbox.js';
import { admin, authorizeRedirect, call, postJson, useSandbox } from '../sandbox.test-kit.js';

const REDIRECT = 'https://app.example.com/jira';
const APP = {
  provider: 'atlassian' as const,
  clientId: 'jira-app',
  clientSecret: 'jira-secret',
  redirectUris: [REDIRECT],
};

interface SearchPage {
  issues: { id: string; key?: string; fields?: Record<string, unknown> }[];
  nextPageToken?: string;
  isLast: boolean;
}

describe('Jira Cloud sandbox', () => {
  const { clock, sandbox: running } = useSandbox({
    apps: [APP],
    accounts: [
      { provider: 'atlassian', account: 'acme', issues: 120 },
      { provider: 'atlassian', account: 'tiny', issues: 5, rateLimit: { requests: 3, seconds: 10 } },
    ],
  });
  let sandbox: RunningSandbox;
  beforeAll(() => void (sandbox = running()));

  // 3LO through the sandbox's authorization server, then the site's cloudId from accessible-resources.
  async function connect(site: string): Promise<{ headers: Record<string, string>; api: string; refresh: string }> {
    const auth = await authorizeRedirect(
      `${sandbox.url}/oauth2/authorize?response_type=code&client_id=${APP.clientId}&scope=read:jira-work%20write:jira-work%20offline_access&redirect_uri=${encodeURIComponent(REDIRECT)}&sandbox_account=${site}`,
    );
    const token = await postJson<{ access_token: string; refresh_token: string }>(`${sandbox.url}/oauth2/token`, {
      grant_type: 'authorization_code',
      client_id: APP.clientId,
      client_secret: APP.clientSecret,
      code: auth.location?.searchParams.get('code'),
      redirect_uri: REDIRECT,
    });
    const headers = { authorization: `Bearer ${token.body.access_token}` };
    const sites = await call<{ id: string }[]>(`${sandbox.url}/atlassian/oauth/token/accessible-resources`, {
      headers,
    });
    return {
      headers,
      api: `${sandbox.url}/atlassian/ex/jira/${sites.body[0]?.id ?? ''}`,
      refresh: token.body.refresh_token,
    };
  }

  async function exportIssues(site: string): Promise<unknown[]> {
    const res = await call(`${sandbox.url}/_admin/data/export?provider=atlassian&account=${site}&entity=issues`);
    return res.text
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as unknown);
  }

  it('serves myself and pages /search/jql with nextPageToken until it is omitted; pages equal the export', async () => {
    const { headers, api } = await connect('acme');
    await expect(call(`${api}/rest/api/3/myself`, { headers })).resolves.toMatchObject({
      status: 200,
      body: { accountType: 'atlassian', timeZone: 'UTC' },
    });
    const seen: SearchPage['issues'] = [];
    const tokens: (string | undefined)[] = [];
    let next: string | undefined;
    do {
      const page = await postJson<SearchPage>(
        `${api}/rest/api/3/search/jql`,
        { jql: 'project = OPS ORDER BY created ASC', fields: ['*all'], maxResults: 50, nextPageToken: next },
        headers,
      );
      expect(page.status).toBe(200);
      seen.push(...page.body.issues);
      next = page.body.nextPageToken;
      tokens.push(next);
      expect(page.body.isLast).toBe(next === undefined);
    } while (next);
    expect(tokens.length).toBe(3);
    expect(seen).toEqual(await exportIssues('acme'));
    const idsOnly = await call<SearchPage>(
      `${api}/rest/api/3/search/jql?jql=${encodeURIComponent('project = OPS')}&maxResults=2`,
      {
        headers,
      },
    );
    expect(idsOnly.body.issues).toEqual([{ id: '10119' }, { id: '10118' }]);
  });

  it('finds only the issues changed since a minute (incremental by updated)', async () => {
    const { headers, api } = await connect('acme');
    clock.advance(60_000);
    const mutated = await admin<{ orders: number }>(sandbox.url, '/data/mutate', {
      provider: 'atlassian',
      account: 'acme',
      orders: 7,
    });
    expect(mutated.body.orders).toBe(7);
    const since = new Date(clock.now()).toISOString().slice(0, 16).replace('T', ' ');
    const page = await call<SearchPage>(
      `${api}/rest/api/3/search/jql?jql=${encodeURIComponent(`updated >= "${since}" ORDER BY updated ASC`)}&fields=updated`,
      { headers },
    );
    expect(page.body.issues).toHaveLength(7);
    expect(page.body.nextPageToken).toBeUndefined();
  });

  it('refuses unbounded JQL, bad tokens and the removed /search; creates an issue the ledger records', async () => {
    const { headers, api } = await connect('acme');
    const unbounded = await call<{ errorMessages: string[] }>(`${api}/rest/api/3/search/jql?jql=ORDER%20BY%20created`, {
      headers,
    });
    expect(unbounded.status).toBe(400);
    expect(unbounded.body.errorMessages[0]).toMatch(/Unbounded JQL/);
    await expect(
      call(`${api}/rest/api/3/search/jql?jql=project%3DOPS&nextPageToken=garbage`, { headers }),
    ).resolves.toMatchObject({ status: 400 });
    await expect(call(`${api}/rest/api/3/search?jql=project%3DOPS`, { headers })).resolves.toMatchObject({
      status: 410,
    });
    const bad = await postJson<{ errors: Record<string, string> }>(`${api}/rest/api/3/issue`, { fields: {} }, headers);
    expect(bad.status).toBe(400);
    expect(Object.keys(bad.body.errors).sort()).toEqual(['issuetype', 'project', 'summary']);
    const created = await postJson<{ id: string; key: string }>(
      `${api}/rest/api/3/issue`,
      {
        fields: {
          project: { key: 'OPS' },
          summary: 'Breaker open: square',
          issuetype: { name: 'Task' },
          labels: ['shelflink'],
        },
      },
      headers,
    );
    expect(created).toMatchObject({ status: 201, body: { key: 'OPS-121' } });
    const fetched = await call<{ fields: { summary: string; labels: string[] } }>(`${api}/rest/api/3/issue/OPS-121`, {
      headers,
    });
    expect(fetched.body.fields).toMatchObject({ summary: 'Breaker open: square', labels: ['shelflink'] });
    expect(
      sandbox.ledger({ endpoint: 'jira.issue.create', account: 'acme' }).map((e) => [e.status, e.created]),
    ).toEqual([
      [400, undefined],
      [201, 'OPS-121'],
    ]);
    await expect(call(`${api}/rest/api/3/issue/OPS-999`, { headers })).resolves.toMatchObject({ status: 404 });
    const other = await connect('tiny');
    await expect(call(`${api}/rest/api/3/myself`, { headers: other.headers })).resolves.toMatchObject({ status: 401 });
  });

  it('answers 429 with Retry-After and X-RateLimit-* past the burst window, and injected 429/503', async () => {
    const { headers, api } = await connect('tiny');
    for (let n = 0; n < 3; n++)
      await expect(call(`${api}/rest/api/3/myself`, { headers })).resolves.toMatchObject({ status: 200 });
    const limited = await call(`${api}/rest/api/3/myself`, { headers });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('10');
    expect(limited.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(limited.headers.get('x-ratelimit-limit')).toBe('3');
    expect(Date.parse(limited.headers.get('x-ratelimit-reset') ?? '')).toBe(clock.now() + 10_000);
    clock.advance(10_000);
    await expect(call(`${api}/rest/api/3/myself`, { headers })).resolves.toMatchObject({ status: 200 });
    await admin(sandbox.url, '/faults', {
      provider: 'atlassian',
      kind: 'status5xx',
      status: 503,
      retryAfter: 5,
      endpoint: 'jira.search',
    });
    const search = (): Promise<{ status: number; headers: Headers }> =>
      call(`${api}/rest/api/3/search/jql?jql=project%3DOPS`, { headers });
    const unavailable = await search();
    expect([unavailable.status, unavailable.headers.get('retry-after')]).toEqual([503, '5']);
    await admin(sandbox.url, '/faults', {
      provider: 'atlassian',
      kind: 'status429',
      retryAfter: 7,
      endpoint: 'jira.search',
    });
    const injected = await search();
    expect([
      injected.status,
      injected.headers.get('retry-after'),
      injected.headers.get('x-ratelimit-remaining'),
    ]).toEqual([429, '7', '0']);
    const entries = sandbox.ledger({ endpoint: 'jira.search', account: 'tiny' });
    expect(entries.map((e) => [e.status, e.fault])).toEqual([
      [503, 'status5xx'],
      [429, 'status429'],
    ]);
  });

  it('stores an issue, then answers 503 under status5xxAfter; a search by its label finds it', async () => {
    const { headers, api } = await connect('acme');
    const byLabel = (jql: string) =>
      call<SearchPage>(`${api}/rest/api/3/search/jql?jql=${encodeURIComponent(jql)}&fields=labels`, { headers });
    await expect(byLabel('labels = "delivery-1"')).resolves.toMatchObject({ status: 200, body: { issues: [] } });
    await admin(sandbox.url, '/faults', {
      provider: 'atlassian',
      kind: 'status5xxAfter',
      endpoint: 'jira.issue.create',
    });
    const fields = { project: { key: 'OPS' }, summary: 'Alert', issuetype: { name: 'Task' } };
    const failed = await postJson<{ errorMessages: string[] }>(
      `${api}/rest/api/3/issue`,
      { fields: { ...fields, labels: ['shelflink-alert', 'delivery-1'] } },
      headers,
    );
    expect(failed).toMatchObject({ status: 503, body: { errorMessages: ['Service unavailable.'] } });
    await postJson(`${api}/rest/api/3/issue`, { fields: { ...fields, labels: ['delivery-2'] } }, headers);
    const found = await byLabel('labels = "delivery-1"');
    expect(found.body.issues).toEqual([
      expect.objectContaining({ fields: { labels: ['shelflink-alert', 'delivery-1'] } }),
    ]);
    const either = await byLabel('project = OPS AND labels in ("delivery-1", delivery-2) ORDER BY created ASC');
    expect(either.body.issues.map((issue) => issue.fields?.labels)).toEqual([
      ['shelflink-alert', 'delivery-1'],
      ['delivery-2'],
    ]);
    await expect(byLabel('labels ~ "delivery"')).resolves.toMatchObject({ status: 400 });
    const creates = sandbox.ledger({ endpoint: 'jira.issue.create', account: 'acme' }).slice(-2);
    expect(creates.map((e) => [e.status, e.fault, e.created])).toEqual([
      [503, 'status5xxAfter', found.body.issues[0]?.key],
      [201, null, expect.stringMatching(/^OPS-\d+$/)],
    ]);
  });
});
