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
