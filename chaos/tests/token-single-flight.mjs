// Token single-flight (T12): a second copy of the system with the sandbox as the OAuth provider (rotating refresh
// tokens: a reused one revokes the family), auth-service as two processes. One connection through the real OAuth flow,
// then, once its token is due, 200 concurrent auth.token.get.v1 requests from two caller connections. Must hold: exactly
// one refresh in the sandbox's ledger, every caller gets the same new token, the connection is not revoked.
import { connectViaOAuth, tokenCaller, withSandboxSystem } from '../lib/sandbox.mjs';

export const name = 'token single-flight refresh';

const ttlSeconds = 30;
const bufferSeconds = 25;

export async function run({ serverUrl, distRoot, canaries, artifacts }) {
  const env = { AUTH_REFRESH_BUFFER_SECONDS: String(bufferSeconds), AUTH_TOKEN_CACHE_MS: '0' };
  const app = { provider: 'oauth2', clientId: 'sandbox-oauth-client', accessTokenTtlSeconds: ttlSeconds };
  return withSandboxSystem({ serverUrl, distRoot, canaries, artifacts, env, app }, async ({ system, sandbox }) => {
    const callers = [];
    try {
      // Only what the OAuth connect and the token path need (the gateway is not ready without the other services).
      await system.start('auth-service');
      await system.start('gateway', { waitFor: 'live' });
      await system.startReplica('auth-service');
      const connectionId = await connectViaOAuth(system, canaries.apiKey, 'sandbox-oauth', 'flight');
      for (let i = 0; i < 2; i += 1) callers.push(await tokenCaller(system));
      return await concurrentDueRequests(sandbox, connectionId, callers);
    } finally {
      await Promise.all(callers.map((c) => c.close()));
    }
  });
}

async function concurrentDueRequests(sandbox, connectionId, callers) {
  const ask = (caller) => caller.ask(connectionId);
  const first = await ask(callers[0]);
  // Due for refresh once fewer than bufferSeconds remain of its ttlSeconds.
  await new Promise((resolve) => setTimeout(resolve, (ttlSeconds - bufferSeconds + 1) * 1000));
  await sandbox.admin('/ledger', undefined, 'DELETE');
  const answers = await Promise.all(Array.from({ length: 200 }, (_, i) => ask(callers[i % 2])));
  const refreshes = (await sandbox.refreshCalls('oauth2')).length;
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
}
