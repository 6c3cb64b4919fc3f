import { buildProviderUrl, findAuth, type ResolvedProvider, type UrlParams } from '@shelflink/providers';

/** Where the sandbox's consent screen redirects; registered on the sandbox app. */
export const REDIRECT_URI = 'https://app.example.com/oauth/callback';

/**
 * Connects through the provider's real authorize and token endpoints, driven by the catalog's OAuth spec, and
 * returns the access token. `extraAuthorize` carries sandbox-only knobs (`sandbox_account`).
 */
export async function connectOAuth(
  provider: ResolvedProvider,
  params: UrlParams,
  extraAuthorize: Record<string, string> = {},
): Promise<string> {
  const auth = findAuth(provider.definition, 'oauth2');
  if (!auth || provider.clientId === undefined || !provider.clientSecret) throw new Error('not an oauth2 provider');
  const build = (template: string): URL =>
    new URL(
      buildProviderUrl(template, params, provider.definition.urlParts, {
        allowLoopbackHttp: provider.allowLoopbackHttp,
      }),
    );
  const authorize = build(auth.authorizeUrl);
  const query = {
    client_id: provider.clientId,
    scope: auth.defaultScopes.join(auth.scopeSeparator),
    redirect_uri: REDIRECT_URI,
    state: 'conformance',
    response_type: 'code',
    ...auth.authorizeParams,
    ...extraAuthorize,
  };
  for (const [name, value] of Object.entries(query)) authorize.searchParams.set(name, value);
  const redirect = await fetch(authorize, { redirect: 'manual' });
  await redirect.arrayBuffer();
  const code = new URL(redirect.headers.get('location') ?? 'x:/').searchParams.get('code');
  if (code === null) throw new Error(`authorize gave ${redirect.status} without a code`);
  const token = {
    grant_type: 'authorization_code',
    code,
    redirect_uri: REDIRECT_URI,
    client_id: provider.clientId,
    client_secret: provider.clientSecret.reveal(),
    ...auth.tokenParams,
  };
  const json = auth.tokenRequestEncoding === 'json';
  const response = await fetch(build(auth.tokenUrl), {
    method: 'POST',
    headers: { 'content-type': json ? 'application/json' : 'application/x-www-form-urlencoded' },
    body: json ? JSON.stringify(token) : new URLSearchParams(token).toString(),
  });
  const body = (await response.json()) as Record<string, unknown>;
  const accessToken = body[auth.tokenResponse.accessTokenPath];
  if (response.status !== 200 || typeof accessToken !== 'string') throw new Error(`token: ${response.status}`);
  return accessToken;
}
