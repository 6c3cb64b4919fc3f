// What the sync benches share: the sandbox providers in this process (from dist/), tokens minted through their own
// OAuth endpoints, and a stand-in for auth-service on the bus (connection lookups and tokens answered from memory).
import { connect } from '@nats-io/transport-node';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { root } from './stack.mjs';

const REDIRECT = 'http://127.0.0.1/callback';
export const benchApps = {
  square: {
    provider: 'square',
    clientId: 'bench-square',
    clientSecret: 'bench-square-secret',
    redirectUris: [REDIRECT],
  },
  shopify: {
    provider: 'shopify',
    clientId: 'bench-shopify',
    clientSecret: 'bench-shopify-secret',
    redirectUris: [REDIRECT],
  },
};

/** The sandbox from dist/tools/sandbox with the bench apps registered. */
export async function startBenchSandbox() {
  const { startSandbox } = await import(pathToFileURL(join(root, 'dist/tools/sandbox/src/sandbox.js')).href);
  return startSandbox({ port: 0, config: { apps: Object.values(benchApps), accounts: [] } });
}

async function authorizationCode(authorizeUrl) {
  const response = await fetch(authorizeUrl, { redirect: 'manual' });
  await response.arrayBuffer();
  return new URL(response.headers.get('location')).searchParams.get('code');
}

/** A Square access token for `merchantId` (code flow). */
export async function mintSquareToken(sandboxUrl, merchantId) {
  const app = benchApps.square;
  const query = new URLSearchParams({
    client_id: app.clientId,
    scope: 'ORDERS_READ',
    state: 's',
    session: 'false',
    redirect_uri: REDIRECT,
    sandbox_account: merchantId,
  });
  const code = await authorizationCode(`${sandboxUrl}/square/oauth2/authorize?${query}`);
  const response = await fetch(`${sandboxUrl}/square/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      client_id: app.clientId,
      client_secret: app.clientSecret,
      code,
      grant_type: 'authorization_code',
      redirect_uri: REDIRECT,
    }),
  });
  return (await response.json()).access_token;
}

/** A Shopify offline token for `shop`. */
export async function mintShopifyToken(sandboxUrl, shop) {
  const app = benchApps.shopify;
  const query = new URLSearchParams({
    client_id: app.clientId,
    scope: 'read_products,read_orders,read_inventory,read_locations',
    redirect_uri: REDIRECT,
    state: 's',
  });
  const code = await authorizationCode(`${sandboxUrl}/shopify/${shop}/admin/oauth/authorize?${query}`);
  const response = await fetch(`${sandboxUrl}/shopify/${shop}/admin/oauth/access_token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ client_id: app.clientId, client_secret: app.clientSecret, code }),
  });
  return (await response.json()).access_token;
}

/**
 * Stands in for auth-service: `connections` maps a connection id to `{ summary, headers }`; lookups and tokens are
 * answered from it. Returns the NATS connection (close it when done).
 */
export async function answerAsAuthService(nats, connections) {
  const nc = await connect({
    servers: nats.url,
    user: 'auth-service',
    pass: nats.password('auth-service'),
    inboxPrefix: '_INBOX_auth_service',
  });
  const answer = (subject, fn) =>
    nc.subscribe(subject, {
      callback: (_e, m) =>
        m.respond(JSON.stringify(fn(m.json()) ?? { error: { code: 'NOT_FOUND', message: 'unknown' } })),
    });
  answer('auth.internal.connection.lookup.v1', (r) => connections.get(r.connectionId)?.summary);
  answer('auth.token.get.v1', (r) => {
    const c = connections.get(r.connectionId);
    return c && { accessToken: 'x', tokenType: 'bearer', expiresAt: null, headers: c.headers };
  });
  return nc;
}
