import { randomUUID } from 'node:crypto';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { subjects } from '@shelflink/contracts';
import { startService, type ServiceProcess } from '@shelflink/testing';
import { ShelflinkClient, type ShelflinkCredentials } from '../packages/client/src/index.js';
import {
  mintShopifyToken,
  mintSquareToken,
  SHOPIFY_APP,
  SQUARE_APP,
} from '../apps/sync-service/test/sandbox-accounts.js';
import {
  canaries,
  completeOAuth,
  createNetSuiteConnection,
  startAuthStack,
  syncServiceEnv,
  type AuthStack,
} from './auth-harness.js';
import { operatorCli } from './operator-cli.js';
import { connectWithToken, createTenant } from './routing-harness.js';

const MERCHANT = 'MPROXY1';
const SHOP = 'proxy-shop.myshopify.com';
const CELIGO_TOKEN = 'proxy-celigo-static-token';
const JIRA_SITE = 'proxy-jira';

interface ProxyAnswer {
  status: number;
  headers: Headers;
  text: string;
}

// The proxy end to end: the gateway's proxy route and provider.request.v1.<service> over NATS, through a real
// sync-service, auth-service and the sandbox, whose ledger says what reached the provider.
describe('provider proxy (e2e)', () => {
  let stack: AuthStack;
  let sync: ServiceProcess;
  const ids = { square: '', shopify: '', plytix: '', otherTenant: '' };
  const secrets: string[] = [];
  let otherTenantId = '';

  const proxy = async (connectionId: string, path: string, init: RequestInit = {}): Promise<ProxyAnswer> => {
    const url = `${stack.gateway.url}/api/v1/connections/${connectionId}/proxy${path}`;
    const response = await fetch(url, {
      ...init,
      headers: { authorization: `Bearer ${stack.apiKey}`, ...(init.headers as Record<string, string>) },
    });
    const text = await response.text();
    stack.responses.push(text);
    return { status: response.status, headers: response.headers, text };
  };
  const ledgerSize = () => stack.sandbox.ledger({}).length;
  /** The token auth-service holds for a connection (as sync-service gets it), so the answers can be checked for it. */
  const storedAccessToken = async (connectionId: string): Promise<string> => {
    const bus = await stack.nats.connectAs('sync-service');
    try {
      const reply = await bus.request(
        subjects.authTokenGet,
        JSON.stringify({ tenantId: stack.tenantId, connectionId }),
        {
          timeout: 10_000,
        },
      );
      const { accessToken } = reply.json<{ accessToken?: string }>();
      if (!accessToken) throw new Error(`no token for ${connectionId}: ${reply.string()}`);
      return accessToken;
    } finally {
      await bus.close();
    }
  };

  beforeAll(async () => {
    stack = await startAuthStack({ prefix: 'e2e_proxy' });
    stack.sandbox.registerApp(SQUARE_APP);
    stack.sandbox.registerApp(SHOPIFY_APP);
    stack.sandbox.registerAccount({ provider: 'square', account: MERCHANT, locations: 3, products: 5, orders: 5 });
    stack.sandbox.registerAccount({ provider: 'shopify', account: SHOP, locations: 2, products: 3, orders: 30 });
    sync = await startService(
      'sync-service',
      syncServiceEnv(stack, {
        SYNC_RETRY_BASE_MS: '50',
        LOG_LEVEL: 'debug',
      }),
    );
    const squareToken = await mintSquareToken(stack.sandbox.url, MERCHANT);
    const shopToken = await mintShopifyToken(stack.sandbox.url, SHOP);
    secrets.push(squareToken, shopToken, canaries.apiKeyPassword, CELIGO_TOKEN, 'ns-token-secret');
    ids.square = await connectWithToken(stack, stack.apiKey, {
      provider: 'square',
      alias: 'sq',
      accessToken: squareToken,
      metadata: { merchantId: MERCHANT },
    });
    ids.shopify = await connectWithToken(stack, stack.apiKey, {
      provider: 'shopify',
      alias: 'shop',
      accessToken: shopToken,
      metadata: { shop: SHOP },
    });
    const plytix = await stack.admin('POST', '/api/v1/connections', {
      provider: 'plytix',
      alias: 'pim',
      credentials: { type: 'key-password', apiKey: 'plytix-key', password: canaries.apiKeyPassword },
    });
    ids.plytix = plytix.body.id;
    const other = await createTenant(stack);
    otherTenantId = other.tenantId;
    ids.otherTenant = await connectWithToken(stack, other.apiKey, {
      provider: 'square',
      alias: 'theirs',
      accessToken: await mintSquareToken(stack.sandbox.url, 'MOTHER1'),
      metadata: { merchantId: 'MOTHER1' },
    });
  });

  afterAll(async () => {
    await sync?.stop();
    await stack?.close();
  });

  afterEach(() => {
    for (const secret of secrets) expect(stack.responses.join('\n')).not.toContain(secret);
  });

  it('GETs Square locations with the token and Square-Version injected, and passes the answer through', async () => {
    const before = ledgerSize();
    const answer = await proxy(ids.square, '/v2/locations');
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toMatch(/application\/json/);
    expect((JSON.parse(answer.text) as { locations: unknown[] }).locations).toHaveLength(3);
    const [entry] = stack.sandbox.ledger({}).slice(before);
    expect(entry).toMatchObject({
      provider: 'square',
      account: MERCHANT,
      method: 'GET',
      status: 200,
      authKind: 'bearer',
    });
    expect(entry?.apiVersion).toEqual(expect.any(String));
  });

  it("GETs Shopify orders with X-Shopify-Access-Token and returns the provider's Link header", async () => {
    const answer = await proxy(ids.shopify, '/orders.json?status=any&limit=10');
    expect(answer.status).toBe(200);
    expect((JSON.parse(answer.text) as { orders: unknown[] }).orders).toHaveLength(10);
    expect(answer.headers.get('link')).toMatch(/rel="next"/);
    const last = stack.sandbox.ledger({ provider: 'shopify' }).at(-1);
    expect(last).toMatchObject({ account: SHOP, authKind: 'shopify-token', status: 200 });
  });

  it("passes a provider's 404 through as it is, and refuses the caller's own auth headers", async () => {
    const answer = await proxy(ids.square, '/v2/orders/no-such-order', {
      headers: { 'x-shopify-access-token': 'caller-token', cookie: 'a=b' },
    });
    expect(answer.status).toBe(404);
    const last = stack.sandbox.ledger({ provider: 'square' }).at(-1);
    expect(last).toMatchObject({ status: 404, authKind: 'bearer' });
  });

  it('takes the API key from the Authorization header only: a body or query access_token goes to Square untouched', async () => {
    const before = ledgerSize();
    const search = await proxy(ids.square, '/v2/catalog/search', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ access_token: 'a-field-of-the-caller', object_types: ['ITEM'], limit: 2 }),
    });
    expect(search.status).toBe(200);
    // The body reached Square as sent: its limit shaped the page.
    expect((JSON.parse(search.text) as { objects: unknown[] }).objects).toHaveLength(2);
    const list = await proxy(ids.square, '/v2/catalog/list?types=ITEM_VARIATION&access_token=a-param-of-the-caller');
    expect(list.status).toBe(200);
    const types = (JSON.parse(list.text) as { objects: { type: string }[] }).objects.map((object) => object.type);
    expect(types.length).toBeGreaterThan(0);
    expect(new Set(types)).toEqual(new Set(['ITEM_VARIATION']));
    const calls = stack.sandbox.ledger({}).slice(before);
    expect(calls.map((call) => [call.method, call.endpoint, call.status, call.authKind])).toEqual([
      ['POST', 'square.catalog.search', 200, 'bearer'],
      ['GET', 'square.catalog.list', 200, 'bearer'],
    ]);

    // Nor does an API key in the query or body stand in for the header.
    const sneaked = await fetch(
      `${stack.gateway.url}/api/v1/connections/${ids.square}/proxy/v2/locations?access_token=${stack.apiKey}`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ access_token: stack.apiKey }),
      },
    );
    expect(sneaked.status).toBe(401);
    expect(((await sneaked.json()) as { error: { code: string } }).error.code).toBe('UNAUTHENTICATED');
    expect(ledgerSize()).toBe(before + 2);
  });

  it.each([
    ['/../../_admin/ledger'],
    ['/v2/%2e%2e/%2e%2e/_admin/ledger'],
    ['/v2%2f..%2f_admin'],
    ['//evil.example/v2/locations'],
    ['/v2/locations%0d%0aX-Injected:%201'],
  ])('refuses the hostile path %j with INVALID_PATH, and nothing reaches the sandbox', async (path) => {
    const before = ledgerSize();
    const answer = await fetch(`${stack.gateway.url}/api/v1/connections/${ids.square}/proxy${path}`, {
      headers: { authorization: `Bearer ${stack.apiKey}` },
    });
    const body = (await answer.json()) as { error?: { code: string } };
    // Fastify may normalise a raw `..` path before routing: then no proxy route matches at all.
    expect([400, 404]).toContain(answer.status);
    if (answer.status === 400) expect(body.error?.code).toBe('INVALID_PATH');
    expect(ledgerSize()).toBe(before);
  });

  it('refuses CRLF in a header value over NATS with INVALID_HEADER, and sends nothing', async () => {
    const before = ledgerSize();
    const operator = await stack.nats.connectAs('operator');
    try {
      const reply = await operator.request(
        subjects.providerRequest,
        JSON.stringify({
          tenantId: stack.tenantId,
          connectionId: ids.square,
          method: 'GET',
          path: '/v2/locations',
          headers: { accept: 'application/json\r\nX-Injected: 1' },
        }),
        { timeout: 10_000 },
      );
      expect(reply.json()).toMatchObject({ error: { code: 'INVALID_REQUEST', reason: 'INVALID_HEADER' } });
    } finally {
      await operator.close();
    }
    expect(ledgerSize()).toBe(before);
  });

  it("answers NOT_FOUND for another tenant's connection, and calls nobody", async () => {
    const before = ledgerSize();
    const answer = await proxy(ids.otherTenant, '/v2/locations');
    expect(answer.status).toBe(404);
    expect((JSON.parse(answer.text) as { error: { code: string } }).error.code).toBe('NOT_FOUND');
    expect(ledgerSize()).toBe(before);
  });

  it('GETs Plytix with the token its key-and-password login gave', async () => {
    const answer = await proxy(ids.plytix, '/api/v1/filters/product');
    expect(answer.status).toBe(200);
    expect(stack.sandbox.ledger({ provider: 'plytix' }).at(-1)).toMatchObject({ authKind: 'bearer', status: 200 });
  });

  it('signs each NetSuite request with TBA and GETs Celigo with its static key', async () => {
    const netsuite = await createNetSuiteConnection(stack, 'TSTDRV24');
    expect(netsuite.status).toBe(201);
    const first = await proxy(netsuite.body.id, '/record/v1/location?limit=1');
    const second = await proxy(netsuite.body.id, '/record/v1/location?limit=1');
    expect([first.status, second.status]).toEqual([200, 200]);
    const signed = stack.sandbox.ledger({ provider: 'netsuite' }).slice(-2);
    expect(signed.map((entry) => [entry.authKind, entry.status])).toEqual([
      ['oauth1', 200],
      ['oauth1', 200],
    ]);

    stack.sandbox.registerApp({ provider: 'celigo', clientId: 'proxy-celigo-user', clientSecret: CELIGO_TOKEN });
    const celigo = await stack.admin('POST', '/api/v1/connections', {
      provider: 'celigo',
      alias: 'ipaas',
      credentials: { type: 'access-token', accessToken: CELIGO_TOKEN },
      metadata: { region: 'na' },
    });
    expect(celigo.status).toBe(201);
    const info = await proxy(celigo.body.id, '/v1/tokenInfo');
    expect(info.status).toBe(200);
    expect(JSON.parse(info.text)).toMatchObject({ _userId: 'proxy-celigo-user' });
    expect(stack.sandbox.ledger({ provider: 'celigo' }).at(-1)).toMatchObject({ authKind: 'bearer', status: 200 });
  });

  it('GETs Jira through an Atlassian 3LO connection with its bearer, for the cloudId that connection found', async () => {
    stack.sandbox.registerApp({
      provider: 'atlassian',
      clientId: 'sandbox-atlassian-client',
      clientSecret: 'sandbox-atlassian-secret',
    });
    stack.sandbox.registerAccount({ provider: 'atlassian', account: JIRA_SITE, issues: 7 });
    const session = await stack.admin('POST', '/api/v1/connect-sessions', { provider: 'jira', alias: 'work' });
    const url = new URL(session.body.authorizeUrl);
    url.searchParams.set('sandbox_account', JIRA_SITE);
    const id = (await completeOAuth(stack, url.toString())).body.connectionId;
    secrets.push(await storedAccessToken(id));
    const before = stack.sandbox.ledger({ provider: 'atlassian' }).length;

    const me = await proxy(id, '/rest/api/3/myself');
    expect(me.status).toBe(200);
    expect(JSON.parse(me.text)).toMatchObject({
      accountType: 'atlassian',
      displayName: `Sandbox admin of ${JIRA_SITE}`,
    });
    const search = await proxy(id, `/rest/api/3/search/jql?jql=${encodeURIComponent('project = OPS')}&maxResults=5`);
    expect(search.status).toBe(200);
    const page = JSON.parse(search.text) as { issues: unknown[]; isLast: boolean; nextPageToken?: string };
    expect(page).toMatchObject({ isLast: false, nextPageToken: expect.any(String) });
    expect(page.issues).toHaveLength(5);
    const calls = stack.sandbox.ledger({ provider: 'atlassian' }).slice(before);
    expect(calls.map((call) => [call.endpoint, call.account, call.authKind, call.status])).toEqual([
      ['jira.myself', JIRA_SITE, 'bearer', 200],
      ['jira.search', JIRA_SITE, 'bearer', 200],
    ]);
  });

  it('renews once when Square refuses an expired token, and the request succeeds', async () => {
    stack.sandbox.registerAccount({ provider: 'square', account: 'MPROXYOAUTH' });
    const session = await stack.admin('POST', '/api/v1/connect-sessions', { provider: 'square', alias: 'oauth' });
    const url = new URL(session.body.authorizeUrl);
    url.searchParams.set('sandbox_account', 'MPROXYOAUTH');
    const id = (await completeOAuth(stack, url.toString())).body.connectionId;
    expect((await proxy(id, '/v2/locations')).status).toBe(200);
    const expired = await fetch(`${stack.sandbox.url}/_admin/tokens/expire`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ provider: 'square', account: 'MPROXYOAUTH' }),
    });
    expect(expired.ok).toBe(true);
    const before = stack.sandbox.ledger({ provider: 'square' }).length;
    expect((await proxy(id, '/v2/locations')).status).toBe(200);
    const calls = stack.sandbox.ledger({ provider: 'square' }).slice(before);
    // The refused call, one refresh, the call again with the new token.
    expect(calls.map((call) => [call.endpoint, call.status])).toEqual([
      ['square.locations.list', 401],
      ['square.oauth.token', 200],
      ['square.locations.list', 200],
    ]);
  });

  describe('consumer services over NATS', () => {
    let service: ShelflinkCredentials;
    let bus: NatsConnection;
    const ask = async (
      connectionId: string,
      tenantId = stack.tenantId,
      subject = `provider.request.v1.${service.service}`,
    ) => {
      const reply = await bus.request(
        subject,
        JSON.stringify({ tenantId, connectionId, method: 'GET', path: '/v2/locations' }),
        { timeout: 10_000 },
      );
      return reply.json<{ status?: number; body?: string; error?: { code: string } }>();
    };

    beforeAll(async () => {
      const added = await operatorCli(stack.nats)([
        'services',
        'add',
        `proxied-${randomUUID().slice(0, 4)}`,
        '--tenant',
        stack.tenantId,
        '--providers',
        'square',
      ]);
      if (added.code !== 0) throw new Error(`services add failed: ${added.stderr}`);
      service = JSON.parse(added.stdout) as ShelflinkCredentials;
      bus = await connect({
        servers: service.natsUrl,
        user: service.user,
        pass: service.password,
        inboxPrefix: service.inboxPrefix,
      });
    });

    afterAll(async () => {
      await bus?.close();
    });

    it('answers a granted connection on provider.request.v1.<service>, with the token injected', async () => {
      const answer = await ask(ids.square);
      expect(answer.status).toBe(200);
      expect((JSON.parse(answer.body ?? '{}') as { locations: unknown[] }).locations).toHaveLength(3);
      // The same through @shelflink/client, and its refusal as a ShelflinkError.
      const client = await ShelflinkClient.connect(service, { timeoutMs: 5_000 });
      try {
        const called = await client.callProvider(stack.tenantId, ids.square, { method: 'GET', path: '/v2/locations' });
        expect({ status: called.status, encoding: called.bodyEncoding }).toEqual({ status: 200, encoding: 'utf8' });
        await expect(
          client.callProvider(stack.tenantId, ids.shopify, { method: 'GET', path: '/shop.json' }),
        ).rejects.toMatchObject({ code: 'FORBIDDEN' });
      } finally {
        await client.close();
      }
    });

    it('refuses a provider outside its grants and a tenant outside them, and calls nobody', async () => {
      const before = ledgerSize();
      await expect(ask(ids.shopify)).resolves.toMatchObject({ error: { code: 'FORBIDDEN' } });
      await expect(ask(ids.otherTenant, otherTenantId)).resolves.toMatchObject({ error: { code: 'FORBIDDEN' } });
      // Its own tenant naming another tenant's connection: unknown there, as for tokens.
      await expect(ask(ids.otherTenant)).resolves.toMatchObject({ error: { code: 'NOT_FOUND' } });
      expect(ledgerSize()).toBe(before);
    });

    it("may not send on another service's subject or the admin subject", async () => {
      await expect(ask(ids.square, stack.tenantId, subjects.providerRequest)).rejects.toThrow();
      await expect(ask(ids.square, stack.tenantId, 'provider.request.v1.someone-else')).rejects.toThrow();
    });
  });
});
