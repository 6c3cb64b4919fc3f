import { eventually, startService, type ServiceProcess } from '@shelflink/testing';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { completeOAuth, startAuthStack, syncServiceEnv, type AuthStack } from './auth-harness.js';
import { launchBrowser, screenshot, seriousViolations, type Browser } from './console-browser.js';
import { fastIngestEnv } from './webhook-harness.js';

const MERCHANT = 'MCONSOLE1';
// Provider data a merchant typed: it must reach the page as text, never as markup.
const XSS_NAME = `<img src=x onerror="document.title='pwned'">`;

// The operator console and the OAuth result pages in Debian's chromium, against the built gateway, auth-service,
// webhook-ingest and sync-service, with the provider sandbox behind them.
describe('operator console in a real browser (e2e)', () => {
  let stack: AuthStack;
  let ingest: ServiceProcess;
  let sync: ServiceProcess;
  let browser: Browser;
  let squareId: string;
  // The retailer's app the hosted Connect page sends merchants back to.
  let retailer: Server;
  let retailerUrl: string;
  const origin = () => new URL(stack.gateway.url).origin;
  const page = () => browser.page;

  beforeAll(async () => {
    stack = await startAuthStack({ prefix: 'e2e_console' });
    stack.sandbox.registerAccount({
      provider: 'square',
      account: MERCHANT,
      locations: 1,
      products: 3,
      orders: 4,
      productNames: [XSS_NAME],
    });
    [ingest, sync] = await Promise.all([
      startService('webhook-ingest', {
        ...stack.nats.envFor('webhook-ingest'),
        DATABASE_URL: stack.database.url,
        ...fastIngestEnv,
      }),
      startService('sync-service', syncServiceEnv(stack)),
    ]);
    browser = await launchBrowser();
    retailer = createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      response.end('<!doctype html><title>Retailer</title><h1>Welcome back</h1>');
    });
    await new Promise<void>((resolve) => retailer.listen(0, '127.0.0.1', resolve));
    retailerUrl = `http://127.0.0.1:${(retailer.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => retailer?.close(resolve));
    await Promise.all([ingest?.stop(), sync?.stop()]);
    await stack?.close();
  });

  // Every page the tests visit: 0 serious accessibility violations, and a screenshot kept as an artifact.
  const check = async (name: string) => {
    expect(await seriousViolations(page())).toEqual([]);
    await screenshot(page(), name);
  };
  const alert = () => page().getByRole('alert');
  const connectForm = () => page().getByRole('form', { name: 'Connect a provider' });
  const status = () => page().getByRole('status');
  const fetchFromPage = (path: string, method = 'GET') =>
    page().evaluate(
      async ([url, verb]) => {
        const response = await fetch(url, { method: verb });
        return { status: response.status, body: await response.text() };
      },
      [path, method] as const,
    );

  it('serves the console with strict security headers and signs in with the keyboard into an httpOnly cookie', async () => {
    const response = await page().goto(`${origin()}/console/`);
    const headers = response?.headers() ?? {};
    expect(headers['content-security-policy']).toContain("script-src 'self'");
    expect(headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(headers['content-security-policy']).not.toContain('unsafe-inline');
    expect(headers['x-frame-options']).toBe('DENY');
    await page().getByLabel('Admin API key').waitFor();
    await check('sign-in');

    // A wrong key: the API's code and message, no session.
    await page().keyboard.type('slk_not-a-real-key');
    await page().keyboard.press('Enter');
    await expect(alert().textContent()).resolves.toContain('UNAUTHENTICATED');

    await page().getByLabel('Admin API key').fill('');
    await page().keyboard.type(stack.apiKey);
    await page().keyboard.press('Enter');
    await page().getByRole('heading', { name: 'Connections' }).waitFor();
    const [cookie] = (await browser.context.cookies(origin())).filter((c) => c.name === 'shelflink_session');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', secure: false, path: '/' });
    expect(cookie?.expires).toBeGreaterThan(Date.now() / 1000 + 3600);
    expect(cookie?.value).not.toContain(stack.apiKey);
    const stored = await page().evaluate('JSON.stringify([{ ...localStorage }, { ...sessionStorage }])');
    expect(stored).toBe('[{},{}]');
    expect(await page().content()).not.toContain(stack.apiKey);
    // The cookie alone does not make a mutation: without the CSRF header it is refused.
    const forged = await fetchFromPage('/api/v1/connections/any/test', 'POST');
    expect(forged.status).toBe(403);
    expect(forged.body).toContain('CSRF_FAILED');
  });

  it('connects Square through the sandbox OAuth and shows it active', async () => {
    await page().goto(`${origin()}/console/#/connect`);
    await connectForm().getByLabel('Alias').fill('shop');
    await check('connect');
    await page().getByRole('button', { name: 'Continue to Square' }).click();
    await page().waitForURL(/\/oauth\/callback\?/);
    await page().getByRole('heading', { name: 'Connected' }).waitFor();
    expect(await page().textContent('main')).toContain('square (alias shop) is connected');
    await check('oauth-result');
    await page().getByRole('link', { name: 'Back to the console' }).click();
    const row = page().getByRole('row').filter({ hasText: 'shop' });
    await row.getByText('active').waitFor();
    const { body } = await stack.admin('GET', '/api/v1/connections');
    const square = body.connections.find((connection) => connection.alias === 'shop');
    squareId = square?.id ?? '';
    expect(square).toMatchObject({ provider: 'square', status: 'active' });
    expect((square as unknown as { metadata: { merchantId?: string } }).metadata.merchantId).toBe(MERCHANT);
    await row.getByRole('button', { name: 'Test shop' }).click();
    await expect(status().textContent()).resolves.toContain('the provider answered (HTTP 200)');
    await check('connections');
  });

  it('starts a sync with "Sync now" and watches its runs finish', async () => {
    await page().goto(`${origin()}/console/#/sync?connectionId=${squareId}`);
    await page().getByRole('button', { name: 'Sync now' }).click();
    await expect(status().textContent()).resolves.toContain('Started 4 runs');
    // The page polls while runs move: wait for four succeeded rows, read from the page itself.
    const runRows = page().getByRole('table', { name: 'Runs' }).getByRole('row').filter({ hasText: 'succeeded' });
    await eventually(async () => (await runRows.count()) === 4, 60_000, 250);
    const products = page().getByRole('row').filter({ hasText: 'products' }).first();
    expect(await products.textContent()).toMatch(/succeeded\s*1\s*3\s*3/);
    await check('sync');
  });

  it('renders a product named like markup as text', async () => {
    await page().goto(`${origin()}/console/#/records?entity=products&connectionId=${squareId}`);
    const cell = page().getByRole('cell', { name: XSS_NAME, exact: true });
    await cell.waitFor();
    expect(await page().locator('main img').count()).toBe(0);
    expect(await page().title()).not.toBe('pwned');
    await check('records');
  });

  it('shows a signed webhook with its raw body and hidden signature, and replays it', async () => {
    const sent = await fetch(`${stack.sandbox.url}/_admin/webhooks/send`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        provider: 'square',
        type: 'order.updated',
        objectId: 'ord_console_1',
        account: MERCHANT,
        secret: 'sandbox-square-signature-key',
        targetUrl: `${origin()}/webhooks/square/${squareId}`,
        sync: true,
        retries: { max: 0, timeoutMs: 5_000 },
      }),
    });
    expect(((await sent.json()) as { state: string }).state).toBe('delivered');
    const event = async () =>
      (await stack.admin('GET', `/api/v1/webhook-events?connectionId=${squareId}`)).body as unknown as {
        items: { id: string; status: string; generation: number }[];
      };
    await eventually(async () => (await event()).items[0]?.status === 'processed');

    await page().goto(`${origin()}/console/#/events`);
    await page().getByRole('row').filter({ hasText: 'order.updated' }).getByText('processed').waitFor();
    await check('events');
    await page().getByRole('link', { name: 'Details of order.updated' }).click();
    await page().getByRole('heading', { name: 'Webhook event' }).waitFor();
    expect(await page().getByLabel('Raw body').textContent()).toContain('ord_console_1');
    const signature = page()
      .getByRole('row')
      .filter({ hasText: /x-square-hmacsha256-signature/i });
    expect(await signature.textContent()).toContain('(hidden)');
    await check('event');

    await page().getByRole('button', { name: 'Replay' }).click();
    await expect(status().textContent()).resolves.toContain('Replay requested');
    await eventually(async () => {
      const [item] = (await event()).items;
      return item?.generation === 1 && item.status === 'processed';
    });

    // A range replay from the list page: the connection's events of the last hour (the browser's local time).
    await page().goto(`${origin()}/console/#/events`);
    const range = page().getByRole('form', { name: 'Replay a range' });
    await range.getByLabel('Connection').selectOption({ label: 'square · shop' });
    const local = (offsetMs: number) =>
      page().evaluate<string, number>((offset) => {
        const at = new Date(Date.now() + offset);
        return new Date(at.getTime() - at.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
      }, offsetMs);
    await range.getByLabel('From').fill(await local(-3_600_000));
    await range.getByLabel('To').fill(await local(3_600_000));
    await range.getByRole('button', { name: 'Replay range' }).click();
    await expect(status().textContent()).resolves.toContain('1 events sent back to processing');
    await eventually(async () => (await event()).items[0]?.generation === 2);
  });

  it('tries Plytix credentials: wrong ones are refused and not kept, right ones connect', async () => {
    await page().goto(`${origin()}/console/#/connect`);
    await page().getByRole('combobox', { name: 'Provider' }).selectOption({ label: 'Plytix (API key and password)' });
    await connectForm().getByLabel('Alias').fill('pim');
    await page().getByLabel('API key', { exact: true }).fill('plytix-key');
    await page().getByLabel('API password').fill('not-the-password');
    await page().getByRole('button', { name: 'Save and test' }).click();
    await expect(alert().textContent()).resolves.toContain('refused these credentials');
    await check('connect-plytix-refused');
    const plytix = async () =>
      (await stack.admin('GET', '/api/v1/connections?provider=plytix')).body.connections
        .map((c) => `${c.alias}:${(c as unknown as { status: string }).status}`)
        .sort();
    // The refused attempt was disconnected again: nothing active, its secrets erased.
    expect(await plytix()).toEqual(['pim:revoked']);

    const canary = (await import('./auth-harness.js')).canaries.apiKeyPassword;
    await page().getByLabel('API password').fill(canary);
    await page().getByRole('button', { name: 'Save and test' }).click();
    await expect(status().textContent()).resolves.toContain('Connected plytix (alias pim): active');
    // The same connection, connected again with the right credentials.
    expect(await plytix()).toEqual(['pim:active']);
    expect(await page().content()).not.toContain(canary);

    // The same page makes hosted Connect links for merchants.
    const linkForm = page().getByRole('form', { name: 'Connect link for a merchant' });
    await linkForm.getByLabel('plytix').check();
    await linkForm.getByRole('button', { name: 'Create link' }).click();
    await linkForm.getByText(`${origin()}/connect/`).waitFor();
    await check('connect-link');
  });

  it('signs out: the cookie is gone and the API answers 401', async () => {
    await page().goto(`${origin()}/console/#/connections`);
    await page().getByRole('button', { name: 'Sign out' }).click();
    await page().getByLabel('Admin API key').waitFor();
    expect((await browser.context.cookies(origin())).map((c) => c.name)).not.toContain('shelflink_session');
    expect((await fetchFromPage('/api/v1/connections')).status).toBe(401);
  });

  it('answers the OAuth callback with a readable error page to browsers, JSON to API clients', async () => {
    const response = await page().goto(`${origin()}/oauth/callback?state=forged&code=x`);
    expect(response?.status()).toBe(400);
    expect(response?.headers()['content-type']).toContain('text/html');
    expect(await page().textContent('main')).toContain('Error code: OAUTH_STATE_INVALID');
    await check('oauth-error');
    const session = await stack.admin('POST', '/api/v1/connect-sessions', { provider: 'square', alias: 'api' });
    const json = await completeOAuth(stack, session.body.authorizeUrl);
    expect(json).toMatchObject({ status: 200, body: { result: 'connected', alias: 'api' } });
  });

  describe('the hosted Connect page for merchants', () => {
    const connectLink = async (body: Record<string, unknown>) => {
      const created = await stack.admin('POST', '/api/v1/connect-sessions', body);
      expect(created.status).toBe(201);
      return (created.body as unknown as { connectUrl: string }).connectUrl;
    };

    it("accepts only return URLs under the tenant's allowed ones", async () => {
      const put = await stack.admin('PUT', '/api/v1/tenant/connect-settings', { returnUrls: [`${retailerUrl}/done`] });
      expect(put).toMatchObject({ status: 200, body: { returnUrls: [`${retailerUrl}/done`] } });
      for (const returnUrl of ['https://evil.example/done', `${retailerUrl}/done-evil`, `${retailerUrl}/other`]) {
        const refused = await stack.admin('POST', '/api/v1/connect-sessions', { returnUrl });
        expect(refused).toMatchObject({ status: 400, body: { error: { code: 'RETURN_URL_NOT_ALLOWED' } } });
      }
      const direct = await stack.admin('POST', '/api/v1/connect-sessions', {
        provider: 'square',
        returnUrl: 'https://evil.example/done',
      });
      expect(direct).toMatchObject({ status: 400, body: { error: { code: 'RETURN_URL_NOT_ALLOWED' } } });
    });

    it('connects Square from a single-use link and returns to the retailer with connectionId and status', async () => {
      const connectUrl = await connectLink({
        alias: 'merchant',
        allowedProviders: ['square', 'plytix'],
        returnUrl: `${retailerUrl}/done?ref=42`,
      });
      expect(connectUrl).toMatch(new RegExp(`^${origin()}/connect/[A-Za-z0-9_-]{40,}$`));
      await page().goto(connectUrl);
      await page().getByRole('heading', { name: 'Connect your account' }).waitFor();
      expect(await page().getByRole('link').allTextContents()).toEqual(['Square', 'Plytix']);
      await check('connect-page');
      await page().getByRole('link', { name: 'Square' }).click();
      await check('connect-page-square');
      await page().getByRole('button', { name: 'Continue to Square' }).click();
      await page().waitForURL((url) => url.pathname === '/done', { timeout: 20_000 });
      const back = new URL(page().url());
      expect(back.searchParams.get('ref')).toBe('42');
      expect(back.searchParams.get('status')).toBe('active');
      const connection = await stack.admin('GET', `/api/v1/connections/${back.searchParams.get('connectionId')}`);
      expect(connection.body).toMatchObject({ provider: 'square', alias: 'merchant', status: 'active' });

      // Single use: the same link again is a readable page with a stable code.
      const again = await page().goto(connectUrl);
      expect(again?.status()).toBe(410);
      expect(await page().textContent('main')).toContain('Error code: CONNECT_PAGE_USED');
      await check('connect-page-used');
    });

    it('shows expired links, bad shop domains and denied consent as pages with stable codes', async () => {
      const expiredUrl = await connectLink({ allowedProviders: ['square'] });
      await stack.sql.query(`UPDATE auth.connect_pages SET expires_at = now() - interval '1 second'`);
      expect((await page().goto(expiredUrl))?.status()).toBe(410);
      expect(await page().textContent('main')).toContain('Error code: CONNECT_PAGE_EXPIRED');

      await page().goto(await connectLink({ allowedProviders: ['shopify'] }));
      await page().getByLabel('Shop domain').fill('not a shop');
      await page().getByRole('button', { name: 'Continue to Shopify' }).click();
      const refusal = await page().getByRole('alert').textContent();
      expect(refusal).toContain('VALIDATION_FAILED');
      expect(refusal).toContain('myshopify.com');
      await check('connect-page-bad-shop');

      const session = await stack.admin('POST', '/api/v1/connect-sessions', { provider: 'square', alias: 'denied' });
      const state = new URL(session.body.authorizeUrl).searchParams.get('state') ?? '';
      const denied = await page().goto(`${origin()}/oauth/callback?state=${state}&error=access_denied`);
      expect(denied?.status()).toBe(400);
      expect(await page().textContent('main')).toContain('Error code: OAUTH_ACCESS_DENIED');
      expect(await page().content()).not.toMatch(/at \w+ \(|node_modules/);
    });

    it('takes Plytix credentials on the page: wrong ones stay on the form, right ones return', async () => {
      await page().goto(
        await connectLink({ alias: 'pim2', allowedProviders: ['plytix'], returnUrl: `${retailerUrl}/done` }),
      );
      await page().getByLabel('API key', { exact: true }).fill('plytix-key');
      await page().getByLabel('API password').fill('wrong-password');
      await page().getByRole('button', { name: 'Connect' }).click();
      await expect(page().getByRole('alert').textContent()).resolves.toContain('CREDENTIALS_REFUSED');
      const canary = (await import('./auth-harness.js')).canaries.apiKeyPassword;
      await page().getByLabel('API key', { exact: true }).fill('plytix-key');
      await page().getByLabel('API password').fill(canary);
      await page().getByRole('button', { name: 'Connect' }).click();
      await page().waitForURL((url) => url.pathname === '/done');
      expect(new URL(page().url()).searchParams.get('status')).toBe('active');
    });
  });
});
