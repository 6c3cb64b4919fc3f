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
  netsuite: {
    provider: 'netsuite',
    clientId: 'bench-netsuite',
    clientSecret: 'bench-netsuite-secret',
    redirectUris: [REDIRECT],
  },
};

const sandboxModule = () => import(pathToFileURL(join(root, 'dist/tools/sandbox/src/sandbox.js')).href);

/** The sandbox from dist/tools/sandbox with the bench apps registered. */
export async function startBenchSandbox() {
  const { startSandbox } = await sandboxModule();
  return startSandbox({ port: 0, config: { apps: Object.values(benchApps), accounts: [] } });
}

/** A Square access token for `merchantId` (code flow). */
export async function mintSquareToken(sandboxUrl, merchantId) {
  return (await sandboxModule()).mintSquareToken(sandboxUrl, benchApps.square, merchantId, 'ORDERS_READ');
}

/** A Shopify offline token for `shop`. */
export async function mintShopifyToken(sandboxUrl, shop) {
  const scope = 'read_products,read_orders,read_inventory,read_locations';
  return (await sandboxModule()).mintShopifyToken(sandboxUrl, benchApps.shopify, shop, scope);
}

/** A NetSuite OAuth 2.0 access token for `accountId` (code flow, 60 minutes). */
export async function mintNetSuiteToken(sandboxUrl, accountId) {
  const app = benchApps.netsuite;
  const base = `${sandboxUrl}/netsuite/${accountId}`;
  const query = new URLSearchParams({
    response_type: 'code',
    client_id: app.clientId,
    redirect_uri: REDIRECT,
    scope: 'rest_webservices',
    state: 'bench-state-0123456789abcdef',
  });
  const authorize = await fetch(`${base}/app/login/oauth2/authorize.nl?${query.toString()}`, { redirect: 'manual' });
  await authorize.arrayBuffer();
  const code = new URL(authorize.headers.get('location') ?? 'http://x/').searchParams.get('code') ?? '';
  const response = await fetch(`${base}/services/rest/auth/oauth2/v1/token`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${app.clientId}:${app.clientSecret}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT }).toString(),
  });
  const { access_token: token } = await response.json();
  if (!token) throw new Error(`NetSuite token exchange failed (${response.status})`);
  return token;
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
