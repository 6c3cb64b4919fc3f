// T22 clock skew, token side (full profile): a copy of the system with the sandbox as the OAuth provider (access
// tokens of 30 s, refresh buffer 25 s, so a token is due 5 s after it is issued), auth-service running under faketime
// +10 min and then -10 min. For each skew a connection made through the real OAuth flow, then token requests every
// 250 ms for a bounded window. Must hold: no refresh loop (refresh calls in the sandbox ledger at most one per due
// period, plus one), no late refresh (every token served is still valid at the sandbox, whose clock is real), and
// refreshes do happen.
import { sleep } from '../../bench/lib/stack.mjs';
import { connectViaOAuth, tokenCaller, withSandboxSystem } from '../lib/sandbox.mjs';
import { fakeClockEnv } from '../lib/tools.mjs';
import { request } from '../lib/traffic.mjs';

export const name = 'token expiry under clock skew';

const ttlSeconds = 30;
const bufferSeconds = 25;
const windowMs = 15_000;

const validAtSandbox = async (sandbox, token) =>
  (await request(`${sandbox.url}/oauth2/userinfo`, { headers: { authorization: `Bearer ${token}` } })).status === 200;

async function window({ system, sandbox, canaries, skew }) {
  const connectionId = await connectViaOAuth(
    system,
    canaries.apiKey,
    'sandbox-oauth',
    `skew${skew.replace(/\W/g, '')}`,
  );
  const caller = await tokenCaller(system);
  const started = Date.now();
  const served = [];
  try {
    while (Date.now() - started < windowMs) {
      const answer = await caller.ask(connectionId);
      served.push({ answer, valid: answer.accessToken ? await validAtSandbox(sandbox, answer.accessToken) : false });
      await sleep(250);
    }
  } finally {
    await caller.close();
  }
  const refreshes = (await sandbox.refreshCalls('oauth2')).filter((e) => e.at >= started).length;
  const periods = Math.ceil(windowMs / ((ttlSeconds - bufferSeconds) * 1000));
  const invalid = served.filter((s) => !s.valid).length;
  const tokens = new Set(served.map((s) => s.answer.accessToken).filter(Boolean)).size;
  return {
    requests: served.length,
    ok: served.length - invalid,
    invalid,
    pass: invalid === 0 && refreshes >= 1 && refreshes <= periods + 1,
    detail: `auth-service under faketime ${skew}: ${served.length} token requests over ${windowMs / 1000} s, ${refreshes} refresh calls in the sandbox ledger (a token is due every ${ttlSeconds - bufferSeconds} s: must be 1…${periods + 1}, a loop would be one per request), ${tokens} distinct tokens, ${invalid} served that the sandbox no longer accepted (must be 0)`,
  };
}

export async function run({ serverUrl, distRoot, canaries, artifacts, profile }) {
  if (profile === 'short') return { skipped: 'full profile only', injected: 'auth-service under faketime ±10 min' };
  const probe = fakeClockEnv('+0');
  if (!probe.env) return { skipped: probe.why, injected: 'auth-service under faketime ±10 min' };
  // The connect itself runs under the skew with the default 600 s state lifetime: state expiry is the database's clock.
  const env = {
    AUTH_REFRESH_BUFFER_SECONDS: String(bufferSeconds),
    AUTH_TOKEN_CACHE_MS: '0',
  };
  const app = { provider: 'oauth2', clientId: 'sandbox-oauth-client', accessTokenTtlSeconds: ttlSeconds };
  return withSandboxSystem({ serverUrl, distRoot, canaries, artifacts, env, app }, async ({ system, sandbox }) => {
    await system.start('gateway', { waitFor: 'live' });
    const results = [];
    for (const skew of ['+10m', '-10m']) {
      await system.start('auth-service', { env: fakeClockEnv(skew).env });
      results.push(await window({ system, sandbox, canaries, skew }));
    }
    return {
      injected: `auth-service under faketime +10m and -10m; tokens of ${ttlSeconds} s with a ${bufferSeconds} s refresh buffer; a token request every 250 ms for ${windowMs / 1000} s each`,
      requests: results.reduce((sum, r) => sum + r.requests, 0),
      ok: results.reduce((sum, r) => sum + r.ok, 0),
      lost: 0,
      unknown: results.reduce((sum, r) => sum + r.invalid, 0),
      duplicated: 0,
      pass: results.every((r) => r.pass),
      details: [
        ...results.map((r) => r.detail),
        'OAuth connect under the skew with the default 600 s state lifetime (state expiry is written and judged on the database clock). Not asserted: a token stored by a replica with a correct clock is served by a replica 10 min slow for up to 10 min past its expiry (expiry is compared with the local clock).',
      ],
    };
  });
}
