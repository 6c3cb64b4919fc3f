import { createHmac } from 'node:crypto';
import { completeOAuth, startAuthStack, type AuthStack } from './auth-harness.js';

// GET /install/shopify, Shopify's app URL: a signed, fresh link for a *.myshopify.com shop leads into OAuth for the
// install tenant; anything else is a 4xx with a stable code.
describe('Shopify app-store install route (e2e)', () => {
  let stack: AuthStack;

  beforeAll(async () => {
    stack = await startAuthStack({ prefix: 'e2e_install' });
  });

  afterAll(async () => {
    await stack?.close();
  });

  /** Signs as Shopify does: hex HMAC-SHA256, app secret as key, over the sorted query without `hmac`, URL-encoded. */
  const link = (params: Record<string, string>, secret = 'sandbox-shopify-secret'): string => {
    const sorted = Object.keys(params)
      .sort()
      .map((key): [string, string] => [key, params[key] ?? '']);
    const message = new URLSearchParams(sorted).toString();
    const hmac = createHmac('sha256', secret).update(message).digest('hex');
    const query = new URLSearchParams({ ...params, hmac });
    return `${stack.gateway.url}/install/shopify?${query.toString()}`;
  };
  const now = () => String(Math.floor(Date.now() / 1000));
  const open = (url: string) => fetch(url, { redirect: 'manual' });
  const refusal = async (url: string) => {
    const response = await open(url);
    const body = (await response.json()) as { error: { code: string } };
    return { status: response.status, code: body.error.code };
  };

  it('redirects a valid link into the OAuth flow of the install tenant, which connects the shop', async () => {
    const response = await open(link({ shop: 'install-shop.myshopify.com', timestamp: now(), host: 'YWRtaW4' }));
    expect(response.status).toBe(302);
    const authorizeUrl = new URL(response.headers.get('location') ?? '');
    expect(authorizeUrl.toString()).toContain(`${stack.sandbox.url}/shopify/install-shop.myshopify.com/admin/oauth/`);
    expect(authorizeUrl.searchParams.get('client_id')).toBe('sandbox-shopify-client');
    expect(authorizeUrl.searchParams.get('redirect_uri')).toBe(`${stack.gateway.url}/oauth/callback`);

    const connected = await completeOAuth(stack, authorizeUrl.toString());
    expect(connected.status).toBe(200);
    expect(connected.body).toMatchObject({ result: 'connected', provider: 'shopify', alias: 'install-shop' });
    const listed = await stack.admin('GET', '/api/v1/connections?provider=shopify');
    expect(listed.body.connections).toEqual(
      expect.arrayContaining([expect.objectContaining({ id: connected.body.connectionId, alias: 'install-shop' })]),
    );
  });

  it('refuses a tampered link, a stale one, a foreign shop and a missing signature with stable codes', async () => {
    const valid = link({ shop: 'install-shop.myshopify.com', timestamp: now() });
    expect(await refusal(valid.replace('install-shop', 'other-shop'))).toEqual({
      status: 401,
      code: 'INSTALL_HMAC_INVALID',
    });
    expect(await refusal(link({ shop: 'install-shop.myshopify.com', timestamp: now() }, 'not-the-secret'))).toEqual({
      status: 401,
      code: 'INSTALL_HMAC_INVALID',
    });
    expect(
      await refusal(`${stack.gateway.url}/install/shopify?shop=install-shop.myshopify.com&timestamp=${now()}`),
    ).toEqual({ status: 401, code: 'INSTALL_HMAC_INVALID' });
    const stale = String(Math.floor(Date.now() / 1000) - 301);
    expect(await refusal(link({ shop: 'install-shop.myshopify.com', timestamp: stale }))).toEqual({
      status: 401,
      code: 'INSTALL_LINK_EXPIRED',
    });
    expect(await refusal(link({ shop: 'install-shop.myshopify.com', timestamp: 'soon' }))).toEqual({
      status: 401,
      code: 'INSTALL_LINK_EXPIRED',
    });
    for (const shop of ['evil.example.com', 'evil.com#.myshopify.com', 'Install-Shop.myshopify.com']) {
      expect(await refusal(link({ shop, timestamp: now() }))).toEqual({ status: 400, code: 'INSTALL_SHOP_INVALID' });
    }
    expect(await refusal(`${stack.gateway.url}/install/shopify`)).toEqual({
      status: 401,
      code: 'INSTALL_HMAC_INVALID',
    });
  });

  it('shows a browser a readable page with the stable code, never a stack', async () => {
    const stale = String(Math.floor(Date.now() / 1000) - 600);
    const response = await fetch(link({ shop: 'install-shop.myshopify.com', timestamp: stale }), {
      redirect: 'manual',
      headers: { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' },
    });
    expect(response.status).toBe(401);
    expect(response.headers.get('content-type')).toContain('text/html');
    const page = await response.text();
    expect(page).toContain('Error code: INSTALL_LINK_EXPIRED');
    expect(page).not.toMatch(/at .+\.js:\d+/);
  });

  it('documents the route in OpenAPI', async () => {
    const spec = (await (await fetch(`${stack.gateway.url}/docs/json`)).json()) as { paths: Record<string, unknown> };
    expect(spec.paths).toHaveProperty('/install/shopify');
  });
});
