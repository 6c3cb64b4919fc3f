// The provider sandbox as a process (tools/sandbox, built), its admin API, a connection made through the real OAuth
// flow against it, and a NATS caller of auth.token.get.v1 (as sync-service, the user allowed to ask for tokens).
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { connect } from '@nats-io/transport-node';
import { track } from '../../bench/lib/stack.mjs';
import { startSystem } from './system.mjs';
import { request } from './traffic.mjs';

export async function startSandbox(distRoot) {
  const child = track(
    spawn(process.execPath, [join(distRoot, 'tools/sandbox/src/main.js')], {
      env: { PATH: process.env.PATH, SANDBOX_PORT: '0', SANDBOX_ORDERS: '5', SANDBOX_PRODUCTS: '5' },
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  );
  const url = await new Promise((resolve, reject) => {
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (line.includes('sandbox listening')) resolve(JSON.parse(line).url);
    });
    child.once('exit', (code) => reject(new Error(`sandbox exited (${code})`)));
  });
  const admin = (path, body, method = 'POST') =>
    request(`${url}/_admin${path}`, {
      method,
      headers: body ? { 'content-type': 'application/json' } : {},
      body: body ? JSON.stringify(body) : undefined,
    });
  return {
    url,
    admin,
    /** The ledger's token-endpoint calls with grant type refresh_token, for one ledger provider. */
    async refreshCalls(provider) {
      const entries = JSON.parse((await admin(`/ledger?provider=${provider}`, undefined, 'GET')).body).entries ?? [];
      return entries.filter((e) => e.grantType === 'refresh_token');
    },
    stop: () => new Promise((resolve) => (child.once('exit', resolve), child.kill('SIGTERM'))),
  };
}

/** Connects `provider` for the canary tenant through connect-session, the sandbox's authorize and the callback. */
export async function connectViaOAuth(system, apiKey, provider, alias) {
  const session = await request(`${system.url('gateway')}/api/v1/connect-sessions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ provider, alias }),
  });
  if (session.status >= 300) throw new Error(`connect-session: ${session.status} ${session.body.slice(0, 200)}`);
  const authorize = await fetch(JSON.parse(session.body).authorizeUrl, { redirect: 'manual' });
  const location = authorize.headers.get('location');
  if (!location) throw new Error(`authorize answered ${authorize.status} without a redirect`);
  const callback = await request(location);
  const connectionId = JSON.parse(callback.body).connectionId ?? JSON.parse(callback.body).connection?.id;
  if (!connectionId) {
    const errorId = /errorId ([0-9a-f-]+)/.exec(callback.body)?.[1];
    const logged = errorId
      ? system
          .outputs()
          .flatMap((o) => o.text.split('\n'))
          .filter((l) => l.includes(errorId) && !l.includes('"url"'))
      : [];
    throw new Error(`callback: ${callback.status} ${callback.body.slice(0, 200)} ${logged.join(' ').slice(0, 600)}`);
  }
  return connectionId;
}

/** A NATS connection as sync-service; `ask(connectionId)` resolves with the reply or `{error: {code}}`. */
export async function tokenCaller(system, timeoutMs = 15_000) {
  const connection = await connect({
    servers: system.nats.url.split(','),
    user: 'sync-service',
    pass: system.nats.password('sync-service'),
    inboxPrefix: '_INBOX_sync_service',
  });
  return {
    ask: (connectionId, timeout = timeoutMs) =>
      connection
        .request('auth.token.get.v1', JSON.stringify({ tenantId: 'chaos', connectionId }), { timeout })
        .then((m) => m.json())
        .catch((error) => ({ error: { code: String(error?.message ?? error) } })),
    close: () => connection.close().catch(() => {}),
  };
}

/**
 * A copy of the system whose provider is the sandbox: starts both, registers the OAuth app (`app`: provider, clientId,
 * accessTokenTtlSeconds) with the canary client secret and the gateway's callback, runs `work({ system, sandbox })`,
 * and always stops both, keeping the outputs for the canary scan. The test starts the services it needs.
 */
export async function withSandboxSystem({ serverUrl, distRoot, canaries, artifacts, env, app, cluster }, work) {
  const sandbox = await startSandbox(distRoot);
  let system;
  try {
    system = await startSystem({ serverUrl, distRoot, canaries, sandboxUrl: sandbox.url, extraEnv: env, cluster });
    await sandbox.admin('/apps', {
      ...app,
      clientSecret: canaries.clientSecret,
      redirectUris: [`${system.url('gateway')}/oauth/callback`],
    });
    return await work({ system, sandbox });
  } finally {
    if (system) {
      artifacts.push(...system.outputs(), ...system.dumps());
      await system.stop().catch(() => {});
    }
    await sandbox.stop();
  }
}
