/** An OAuth app registered with the sandbox; its first redirect URI is the one used. */
export interface MintingApp {
  clientId: string;
  clientSecret: string;
  redirectUris: readonly string[];
}

// The code from the authorize endpoint's redirect (the sandbox approves at once).
async function authorizationCode(authorizeUrl: string): Promise<string> {
  const response = await fetch(authorizeUrl, { redirect: 'manual' });
  await response.arrayBuffer();
  const code = new URL(response.headers.get('location') ?? 'http://x/').searchParams.get('code');
  if (!code) throw new Error(`authorize gave no code (${response.status})`);
  return code;
}

async function accessToken(provider: string, tokenUrl: string, body: Record<string, string>): Promise<string> {
  const response = await fetch(tokenUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const answer = (await response.json()) as { access_token?: string };
  if (!answer.access_token) throw new Error(`${provider} token exchange failed (${response.status})`);
  return answer.access_token;
}

/** A Square access token for `merchantId`, through the sandbox's own authorize and token endpoints (code flow). */
export function mintSquareToken(
  sandboxUrl: string,
  app: MintingApp,
  merchantId: string,
  scope: string,
): Promise<string> {
  return codeFlowToken('Square', `${sandboxUrl}/square/oauth2`, app, {
    scope,
    session: 'false',
    sandbox_account: merchantId,
  });
}

/** A non-expiring Shopify offline token for `shop`, through the sandbox's own OAuth endpoints. */
export async function mintShopifyToken(
  sandboxUrl: string,
  app: MintingApp,
  shop: string,
  scope: string,
): Promise<string> {
  const query = new URLSearchParams({
    client_id: app.clientId,
    scope,
    redirect_uri: app.redirectUris[0] ?? '',
    state: 's',
  });
  const code = await authorizationCode(`${sandboxUrl}/shopify/${shop}/admin/oauth/authorize?${query.toString()}`);
  return accessToken('Shopify', `${sandboxUrl}/shopify/${shop}/admin/oauth/access_token`, {
    client_id: app.clientId,
    client_secret: app.clientSecret,
    code,
  });
}

/** An access token of the generic OAuth 2.0 server for `account` (code flow, client secret), as the sandbox WMS takes. */
export function mintOAuth2Token(sandboxUrl: string, app: MintingApp, account: string, scope: string): Promise<string> {
  return codeFlowToken('OAuth 2.0', `${sandboxUrl}/oauth2`, app, {
    scope,
    response_type: 'code',
    sandbox_account: account,
  });
}

// RFC 6749 code flow against `{server}/authorize` and `{server}/token`, the client secret in the body.
async function codeFlowToken(
  provider: string,
  server: string,
  app: MintingApp,
  params: Record<string, string>,
): Promise<string> {
  const redirectUri = app.redirectUris[0] ?? '';
  const query = new URLSearchParams({ client_id: app.clientId, state: 's', redirect_uri: redirectUri, ...params });
  const code = await authorizationCode(`${server}/authorize?${query.toString()}`);
  return accessToken(provider, `${server}/token`, {
    client_id: app.clientId,
    client_secret: app.clientSecret,
    code,
    grant_type: 'authorization_code',
    redirect_uri: redirectUri,
  });
}
