// Token single-flight (T12): a second copy of the system with the sandbox as the OAuth provider (rotating refresh
// tokens: a reused one revokes the family), auth-service as two processes. One connection through the real OAuth flow,
// then, once its token is due, 200 concurrent auth.token.get.v1 requests from two caller connections. Must hold: exactly
// one refresh in the sandbox's ledger, every caller gets the same new token, the connection is not revoked.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { connect } from '@nats-io/transport-node';
import { track } from '../../bench/lib/stack.mjs';
import { startSystem } from '../lib/system.mjs';
import { request } from '../lib/traffic.mjs';

export const name = 'token single-flight refresh';

const ttlSeconds = 30;
const bufferSeconds = 25;

async function startSandbox(distRoot) {
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
  return { url, stop: () => new Promise((resolve) => (child.once('exit', resolve), child.kill('SIGTERM'))) };
}

const admin = (sandbox, path, body, method = 'POST') =>
  request(`${sandbox.url}/_admin${path}`, {
    method,
    headers: body ? { 'content-type': 'application/json' } : {},
    body: body ? JSON.stringify(body) : undefined,
  });

async function connectViaOAuth(system, apiKey) {
  const session = await request(`${system.url('gateway')}/api/v1/connect-sessions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ provider: 'sandbox-oauth', alias: 'flight' }),
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

export async function run({ serverUrl, distRoot, canaries, artifacts }) {
  const sandbox = await startSandbox(distRoot);
  let system;
  const callers = [];
  try {
    system = await startSystem({
      serverUrl,
      distRoot,
      canaries,
      sandboxUrl: sandbox.url,
      extraEnv: { AUTH_REFRESH_BUFFER_SECONDS: String(bufferSeconds), AUTH_TOKEN_CACHE_MS: '0' },
    });
    const redirect = `${system.url('gateway')}/oauth/callback`;
    await admin(sandbox, '/apps', {
      provider: 'oauth2',
      clientId: 'sandbox-oauth-client',
      clientSecret: canaries.clientSecret,
      redirectUris: [redirect],
      accessTokenTtlSeconds: ttlSeconds,
    });
    await system.startAll();
    await system.startReplica('auth-service');
    const connectionId = await connectViaOAuth(system, canaries.apiKey);
    for (let i = 0; i < 2; i += 1) {
      callers.push(
        await connect({
          servers: system.nats.url,
          user: 'sync-service',
          pass: system.nats.password('sync-service'),
          inboxPrefix: '_INBOX_sync_service',
        }),
      );
    }
    const ask = (caller) =>
      caller
        .request('auth.token.get.v1', JSON.stringify({ tenantId: 'chaos', connectionId }), { timeout: 15_000 })
        .then((m) => m.json());
    const first = await ask(callers[0]);
    // Due for refresh once fewer than bufferSeconds remain of its ttlSeconds.
    await new Promise((resolve) => setTimeout(resolve, (ttlSeconds - bufferSeconds + 1) * 1000));
    await admin(sandbox, '/ledger', undefined, 'DELETE');
    const answers = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        ask(callers[i % 2]).catch((error) => ({ error: { code: String(error?.message ?? error) } })),
      ),
    );
    const ledger = JSON.parse((await admin(sandbox, '/ledger?provider=oauth2', undefined, 'GET')).body).entries ?? [];
    const refreshes = ledger.filter((e) => e.grantType === 'refresh_token' || /refresh/.test(e.endpoint ?? '')).length;
    const tokens = new Set(answers.filter((a) => a.accessToken).map((a) => a.accessToken));
    const errors = answers.filter((a) => a.error).map((a) => a.error.code);
    const after = await ask(callers[0]);
    const pass =
      refreshes === 1 &&
      tokens.size === 1 &&
      errors.length === 0 &&
      !tokens.has(first.accessToken) &&
      Boolean(after.accessToken);
    return {
      injected: `token due for refresh; 200 concurrent auth.token.get.v1 from 2 caller connections; auth-service as 2 processes; rotating refresh tokens`,
      requests: 200,
      ok: answers.length - errors.length,
      lost: 0,
      unknown: errors.length,
      duplicated: Math.max(0, refreshes - 1),
      pass,
      details: [
        `refresh calls in the sandbox ledger: ${refreshes} (must be 1); distinct tokens handed out: ${tokens.size} (must be 1, and new)`,
        `errors: ${errors.length ? [...new Set(errors)].join(', ') : 'none'}; a request afterwards ${after.accessToken ? 'gets a token (connection not revoked)' : `fails: ${after.error?.code}`}`,
      ],
    };
  } finally {
    await Promise.all(callers.map((c) => c.close().catch(() => {})));
    if (system) {
      artifacts.push(...system.outputs(), system.dump());
      await system.stop().catch(() => {});
    }
    await sandbox.stop();
  }
}
