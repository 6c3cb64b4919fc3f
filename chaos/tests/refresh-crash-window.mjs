// T13 refresh crash window: the provider has issued new tokens (spending the old refresh token) and auth-service dies
// before it stores them. A copy of the system whose OAuth provider is the sandbox's generic oauth2 app, which rotates
// refresh tokens and treats the reuse of a spent one as invalid_grant. The refresh is answered, then its answer held
// back 20 s (`latencyAfter`); auth-service is killed -9 inside that window and started again. Must hold: the next token
// requests get NEEDS_REAUTH (never INTERNAL, never a token), at most one more refresh call reaches the provider (no
// retry loop), the connection is marked needs_reauth with an audit row.
import { sleep, withClient } from '../../bench/lib/stack.mjs';
import { connectViaOAuth, tokenCaller, withSandboxSystem } from '../lib/sandbox.mjs';
import { eventually } from '../lib/traffic.mjs';

export const name = 'refresh crash window';

const ttlSeconds = 30;
const bufferSeconds = 25;
const holdMs = 20_000;

const stateOf = (system, connectionId) =>
  withClient(system.database.url, async (client) => {
    const { rows } = await client.query(
      `SELECT c.status, cr.lease_owner AS owner,
         (SELECT count(*)::int FROM auth.audit_log a WHERE a.connection_id = c.id AND a.event = 'credential.needs_reauth') AS audits
       FROM auth.connections c LEFT JOIN auth.credentials cr ON cr.connection_id = c.id WHERE c.id = $1`,
      [connectionId],
    );
    return rows[0];
  });

/** Asks until an answer comes back: right after a kill -9 the NATS server may still hand a request to the dead process. */
async function answerFrom(caller, connectionId) {
  for (let attempt = 0; attempt < 10; attempt++) {
    const answer = await caller.ask(connectionId, 5_000);
    if (answer.accessToken || !/timeout|TIMEOUT/i.test(answer.error?.code ?? '')) return answer;
  }
  return { error: { code: 'NO_ANSWER' } };
}

export async function run({ serverUrl, distRoot, canaries, artifacts, profile }) {
  if (profile === 'short')
    return { skipped: 'full profile only', injected: 'kill -9 of auth-service inside a refresh' };
  const env = {
    AUTH_REFRESH_BUFFER_SECONDS: String(bufferSeconds),
    AUTH_TOKEN_CACHE_MS: '0',
    AUTH_REFRESH_LEASE_MS: '3000',
  };
  const app = { provider: 'oauth2', clientId: 'sandbox-oauth-client', accessTokenTtlSeconds: ttlSeconds };
  return withSandboxSystem({ serverUrl, distRoot, canaries, artifacts, env, app }, async ({ system, sandbox }) => {
    await system.start('gateway', { waitFor: 'live' });
    await system.start('auth-service');
    const connectionId = await connectViaOAuth(system, canaries.apiKey, 'sandbox-oauth', 'crash-window');
    const caller = await tokenCaller(system);
    try {
      await sleep((ttlSeconds - bufferSeconds + 1) * 1000);
      await sandbox.admin('/faults', {
        provider: 'oauth2',
        kind: 'latencyAfter',
        ms: holdMs,
        count: 1,
        endpoint: 'oauth2.token',
      });
      void caller.ask(connectionId, holdMs + 5_000);
      // The lease is taken just before the provider is called; the local sandbox answers (and is held) within ms.
      await eventually(async () => (await stateOf(system, connectionId)).owner !== null, 15_000);
      await sleep(1_500);
      await system.services['auth-service'].kill();
      const killedAt = Date.now();
      await system.start('auth-service');
      const first = await answerFrom(caller, connectionId);
      const second = await answerFrom(caller, connectionId);
      const after = (await sandbox.refreshCalls('oauth2')).filter((e) => e.at >= killedAt);
      const state = await stateOf(system, connectionId);
      const codes = [first, second].map((a) => (a.accessToken ? 'TOKEN' : a.error?.code));
      const pass =
        codes.every((code) => code === 'NEEDS_REAUTH') &&
        after.length <= 1 &&
        after.every((e) => e.status === 400) &&
        state.status === 'needs_reauth' &&
        state.audits === 1;
      return {
        injected: `kill -9 of auth-service after the provider answered a refresh (tokens rotated) and before the answer arrived (held ${holdMs / 1000} s); restart`,
        requests: 2,
        ok: codes.filter((code) => code === 'NEEDS_REAUTH').length,
        lost: 0,
        unknown: codes.filter((code) => code !== 'NEEDS_REAUTH').length,
        duplicated: 0,
        pass,
        details: [
          `after the restart two token requests answered ${codes.join(', ')} (must be NEEDS_REAUTH, NEEDS_REAUTH); refresh calls reaching the provider after the kill: ${after.length} with statuses ${after.map((e) => e.status).join(', ') || 'none'} (must be at most 1, an invalid_grant); connection status ${state.status} (must be needs_reauth), ${state.audits} credential.needs_reauth audit row (must be 1)`,
        ],
      };
    } finally {
      await caller.close();
    }
  });
}
