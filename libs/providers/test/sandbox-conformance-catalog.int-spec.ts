import { fileURLToPath } from 'node:url';
import {
  buildProviderUrl,
  loadProviderConfig,
  PageWalkError,
  type PageRequest,
  type ResolvedProvider,
  type StreamSpec,
} from '@shelflink/providers';
import { startSandbox, type RunningSandbox } from '@shelflink/sandbox';
import { exportRecords, field, required, uniqueSet, walkAll } from './sandbox-conformance.test-kit.js';
import { connectOAuth, REDIRECT_URI } from './sandbox-oauth.test-kit.js';

// The catalog's streams of Jira, Celigo, Plytix and NetSuite, walked with walkPages against the sandbox.
const CONFIG = fileURLToPath(new URL('../config/providers.sandbox.json', import.meta.url));
const SITE = 'conformance-site';
const NS_ACCOUNT = '7654321_SB1';
const CELIGO = { user: 'conformance-user', token: 'conformance-celigo-token' };
const PLYTIX = { key: 'conformance-plytix', password: 'conformance-plytix-password' };

describe('catalog streams of Jira, Celigo, Plytix and NetSuite against the sandbox', () => {
  let sandbox: RunningSandbox;
  let providers: ReturnType<typeof loadProviderConfig>;
  const provider = (key: string): ResolvedProvider => required(providers.get(key));
  const stream = (key: string, name: string): StreamSpec => {
    const def = provider(key).definition;
    return required(def.streams[name as keyof typeof def.streams] ?? def.extraStreams?.[name]);
  };
  const url = (key: string, path: string, params: Record<string, string> = {}): string =>
    buildProviderUrl(`${provider(key).definition.apiBase ?? ''}${path}`, params, provider(key).definition.urlParts, {
      allowLoopbackHttp: true,
    });
  const request = (
    s: StreamSpec,
    target: string,
    headers: Record<string, string>,
    body?: Record<string, unknown>,
  ): PageRequest => ({
    method: s.method,
    url: target,
    headers,
    ...(body ? { body } : {}),
  });

  beforeAll(async () => {
    sandbox = await startSandbox({ seed: 5 });
    providers = loadProviderConfig({
      path: CONFIG,
      env: {},
      sandboxUrl: sandbox.url,
      gatewayUrl: 'https://gw.example.com',
    });
    for (const [key, as] of [
      ['jira', 'atlassian'],
      ['netsuite', 'netsuite'],
    ] as const) {
      const p = provider(key);
      sandbox.registerApp({
        provider: as,
        clientId: p.clientId ?? '',
        clientSecret: p.clientSecret?.reveal() ?? '',
        redirectUris: [REDIRECT_URI],
      });
    }
    sandbox.registerApp({ provider: 'celigo', clientId: CELIGO.user, clientSecret: CELIGO.token });
    sandbox.registerApp({ provider: 'plytix', clientId: PLYTIX.key, clientSecret: PLYTIX.password });
    sandbox.registerAccount({ provider: 'atlassian', account: SITE, issues: 230 });
    sandbox.registerAccount({
      provider: 'plytix',
      account: PLYTIX.key,
      products: 230,
      rateLimit: { requests: 1000, seconds: 10 },
    });
    sandbox.registerAccount({ provider: 'netsuite', account: NS_ACCOUNT, locations: 3, products: 2300, orders: 10 });
  });
  afterAll(async () => sandbox.close());

  it('Jira issues: nextPageToken pages equal the export; a burst 429 is RATE_LIMITED with Retry-After', async () => {
    const token = await connectOAuth(provider('jira'), {}, { sandbox_account: SITE });
    const headers = { authorization: `Bearer ${token}` };
    const sites = (await (
      await fetch(`${sandbox.url}/atlassian/oauth/token/accessible-resources`, { headers })
    ).json()) as { id: string }[];
    const cloudId = required(sites[0]).id;
    const issues = stream('jira', 'issues');
    const jql = encodeURIComponent('project = OPS ORDER BY created ASC');
    const first = request(issues, `${url('jira', issues.path, { cloudId })}&jql=${jql}&fields=*all`, headers);
    const pages = await walkAll(issues, first);
    expect(pages.length).toBe(3);
    const expected = await exportRecords(sandbox.url, 'atlassian', SITE, 'issues');
    expect(pages.flat()).toEqual(expected.map((e) => e.record));
    sandbox.registerAccount({ provider: 'atlassian', account: SITE, rateLimit: { requests: 1, seconds: 30 } });
    const refused = await walkAll(issues, first).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(PageWalkError);
    expect(refused).toMatchObject({ code: 'RATE_LIMITED', status: 429 });
    expect((refused as PageWalkError).retryAfterMs).toBeGreaterThan(0);
  });

  it('Celigo flows and a flow’s jobs: Link rel="next" pages cover every record once', async () => {
    const headers = { authorization: `Bearer ${CELIGO.token}` };
    const flows = stream('celigo', 'flows');
    const flowPages = await walkAll(
      flows,
      request(flows, `${url('celigo', flows.path, { region: 'na' })}?limit=7`, headers),
    );
    expect(flowPages.length).toBe(5);
    const expected = await exportRecords(sandbox.url, 'celigo', CELIGO.user, 'flows');
    expect(flowPages.flat()).toEqual(expected.map((e) => e.record));
    const jobs = stream('celigo', 'jobs');
    const flowId = field(expected[0]?.record, '_id');
    const jobPages = await walkAll(
      jobs,
      request(jobs, `${url('celigo', jobs.path, { region: 'na' })}?_flowId=${flowId}&limit=15`, headers),
    );
    expect(jobPages.length).toBe(3);
    expect(uniqueSet(jobPages.flat().map((j) => field(j, '_id'))).size).toBe(40);
  });

  it('Plytix products (v3 next_page): every product once, equal to the export', async () => {
    const login = await fetch(`${sandbox.url}/plytix/auth/api/get-token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ api_key: PLYTIX.key, api_password: PLYTIX.password }),
    });
    const token = required(((await login.json()) as { data: { access_token: string }[] }).data[0]).access_token;
    const products = stream('plytix', 'products');
    const pages = await walkAll(
      products,
      request(products, url('plytix', products.path), { authorization: `Bearer ${token}` }),
    );
    expect(pages.length).toBe(3);
    const expected = new Map(
      (await exportRecords(sandbox.url, 'plytix', PLYTIX.key, 'products')).map((e) => [
        field(e.record, 'id'),
        e.record,
      ]),
    );
    const seen = pages.flat();
    expect(uniqueSet(seen.map((p) => field(p, 'id'))).size).toBe(expected.size);
    for (const product of seen) expect(product).toEqual(expected.get(field(product, 'id')));
  });

  it('NetSuite SuiteQL items: offset/hasMore pages equal the export; a concurrency refusal is RATE_LIMITED', async () => {
    const token = await connectOAuth(provider('netsuite'), { accountId: NS_ACCOUNT });
    // SuiteQL requires Prefer: transient; the catalog's netsuite extraHeaders do not carry it, so the test adds it.
    const headers = { authorization: `Bearer ${token}`, prefer: 'transient' };
    const items = stream('netsuite', 'products');
    const body = { q: 'SELECT id, itemid, upccode FROM item ORDER BY id' };
    const first = request(items, url('netsuite', items.path, { accountId: NS_ACCOUNT }), headers, body);
    const pages = await walkAll(items, first);
    expect(pages.map((p) => p.length)).toEqual([1000, 1000, 300]);
    const expected = await exportRecords(sandbox.url, 'netsuite', NS_ACCOUNT, 'item');
    expect(pages.flat()).toEqual(
      expected.map((e) => ({
        links: [],
        id: field(e.record, 'id'),
        itemid: field(e.record, 'itemid'),
        upccode: field(e.record, 'upccode'),
      })),
    );
    sandbox.registerAccount({ provider: 'netsuite', account: NS_ACCOUNT, concurrencyLimit: 1 });
    await fetch(`${sandbox.url}/_admin/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ provider: 'netsuite', kind: 'latency', ms: 500, count: 1, endpoint: 'netsuite.suiteql' }),
    });
    const [slow, refused] = await Promise.all([
      walkAll(items, first),
      new Promise((resolve) => setImmediate(resolve)).then(() =>
        walkAll(items, first).catch((error: unknown) => error),
      ),
    ]);
    expect(slow.flat()).toHaveLength(2300);
    expect(refused).toMatchObject({ code: 'RATE_LIMITED', status: 429 });
  });
});
