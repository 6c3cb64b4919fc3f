// T14 lock hygiene, on a copy of the system (gateway and auth-service) with the sandbox as Square. Square's code-flow
// refresh tokens are multi-use, so a refresh the provider answered but we never stored cannot revoke the family (that
// crash window is T13's): what is under test here is the lease and the version fence alone.
// (a) kill -9 of the auth-service process holding the refresh lease while the sandbox's token endpoint is slow: another
//     process refreshes once the lease expires, at most the lease TTL after the kill (plus slack for a loaded box);
// (b) SIGSTOP of the holder past its lease: another process refreshes; on SIGCONT the holder's late write is rejected
//     by the version fence (its caller gets CONFLICT), and the stored credential stays the newer one;
// (c) negative test: a session-level pg_advisory_lock through pgbouncer in transaction pooling; the client disconnects
//     and the lock stays with the pooled server session, found in pg_locks with no client behind it.
// The short profile runs (c) only, on the main system's database.
import { freePort, sleep, track, withClient } from '../../bench/lib/stack.mjs';
import { startPgbouncer } from '../../scripts/pgbouncer.mjs';
import { connectViaOAuth, tokenCaller, withSandboxSystem } from '../lib/sandbox.mjs';
import { ensureTool } from '../lib/tools.mjs';
import { eventually, request } from '../lib/traffic.mjs';

export const name = 'lock hygiene (lease, fence, pgbouncer)';

// A new token is due again ttl − buffer = 25 s after a refresh: (b) finishes its checks well inside that, so a later,
// legitimate refresh cannot blur its count of refreshes and versions.
const ttlSeconds = 40;
const bufferSeconds = 15;
const leaseMs = 15_000;
const slackMs = 5_000;

const credentialOf = (system, connectionId) =>
  withClient(system.database.url, async (client) => {
    const { rows } = await client.query(
      `SELECT lease_owner AS owner, version, extract(epoch FROM lease_until - now()) * 1000 AS "leaseLeftMs"
         FROM auth.credentials WHERE connection_id = $1`,
      [connectionId],
    );
    return rows[0];
  });

const slowTokenEndpoint = (sandbox, ms) =>
  sandbox.admin('/faults', { provider: 'square', kind: 'latency', ms, count: 1, endpoint: 'square.oauth.token' });

const validAtSandbox = async (sandbox, token) =>
  (
    await request(`${sandbox.url}/square/oauth2/token/status`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: '{}',
    })
  ).status === 200;

/** Asks until a token comes back (a request can land on a stopped process and time out); every answer is kept. */
async function askUntilToken(caller, connectionId, timeoutMs) {
  const answers = [];
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const answer = await caller.ask(connectionId, timeoutMs);
    answers.push(answer);
    if (answer.accessToken) return { token: answer.accessToken, answers };
  }
  return { answers };
}

/**
 * One more request every second until one comes back with a token. Right after a kill -9 the NATS server may not have
 * dropped the dead process yet and can hand it a request, which is then lost; the next ones reach the survivor, whose
 * single flight folds them into one refresh.
 */
async function firstToken(caller, connectionId) {
  const answers = [];
  const deadline = Date.now() + 60_000;
  let token;
  while (token === undefined && Date.now() < deadline) {
    const asked = caller.ask(connectionId, 45_000).then((answer) => {
      answers.push(answer);
      token ??= answer.accessToken;
    });
    await Promise.race([asked, sleep(1_000)]);
  }
  return { token, answers };
}

const handled = (answers) => answers.filter((a) => a.accessToken).length;

/** (a) The holder dies mid-refresh; the survivor waits out the lease and refreshes once. */
async function killHolder({ system, sandbox, caller, connectionId }) {
  await sleep((ttlSeconds - bufferSeconds + 1) * 1000);
  await slowTokenEndpoint(sandbox, 40_000);
  const armedAt = Date.now();
  const before = await credentialOf(system, connectionId);
  const holder = system.services['auth-service'];
  const stranded = caller.ask(connectionId, 90_000);
  await eventually(async () => (await credentialOf(system, connectionId)).owner !== null, 15_000);
  const survivor = await system.startReplica('auth-service');
  const { leaseLeftMs } = await credentialOf(system, connectionId);
  await holder.kill();
  const killedAt = Date.now();
  const { token, answers } = await firstToken(caller, connectionId);
  const recoveredMs = Date.now() - killedAt;
  const calls = (await sandbox.refreshCalls('square')).filter((e) => e.at >= armedAt);
  const refreshes = calls.filter((e) => e.at >= killedAt);
  const after = await credentialOf(system, connectionId);
  const valid = token !== undefined && (await validAtSandbox(sandbox, token));
  void stranded;
  // The survivor cannot take the lease before it expires (database time); it must not wait much longer either.
  const waitedOutLease = recoveredMs >= leaseLeftMs - 1_000 && recoveredMs <= leaseMs + slackMs;
  const pass = valid && waitedOutLease && refreshes.length === 1 && after.version === before.version + 1;
  return {
    survivor,
    answers,
    refreshes: refreshes.length,
    pass,
    detail: `(a) holder killed -9 mid-refresh (token endpoint slowed 40 s) with ${Math.round(leaseLeftMs)} ms of its ${leaseMs} ms lease left; the other process served a ${valid ? 'valid' : 'MISSING/INVALID'} token ${recoveredMs} ms after the kill (must be between the lease left − 1 s and the lease + ${slackMs / 1000} s), with ${refreshes.length} refresh call after the kill (must be 1); credential version ${before.version} → ${after.version}; ledger since the fault: ${calls.map((e) => `+${((e.at - armedAt) / 1000).toFixed(1)} s ${e.status}${e.fault ? ` ${e.fault}` : ''}`).join(', ')}`,
  };
}

/** (b) The holder is frozen past its lease; the other process refreshes; the holder's late write must be fenced off. */
async function stopHolder({ system, sandbox, caller, connectionId, holder }) {
  await sleep((ttlSeconds - bufferSeconds + 1) * 1000);
  await slowTokenEndpoint(sandbox, 1_500);
  const armedAt = Date.now();
  const before = await credentialOf(system, connectionId);
  const late = caller.ask(connectionId, 120_000);
  await eventually(async () => (await credentialOf(system, connectionId)).owner !== null, 15_000);
  await sleep(500);
  holder.child.kill('SIGSTOP');
  const stoppedAt = Date.now();
  let newer;
  const answers = [];
  try {
    await system.start('auth-service');
    const asked = await askUntilToken(caller, connectionId, 10_000);
    newer = asked.token;
    answers.push(...asked.answers);
    // The sandbox answered the frozen holder's call too; its tokens sit unread in the socket.
    await eventually(
      async () => (await sandbox.refreshCalls('square')).filter((e) => e.at >= armedAt).length >= 2,
      15_000,
    ).catch(() => {});
  } finally {
    holder.child.kill('SIGCONT');
  }
  const stoppedMs = Date.now() - stoppedAt;
  const lateAnswer = await late;
  const after = await credentialOf(system, connectionId);
  const served = await askUntilToken(caller, connectionId, 10_000);
  answers.push(...served.answers);
  const refreshes = (await sandbox.refreshCalls('square')).filter((e) => e.at >= armedAt);
  const fenced = lateAnswer.error?.code === 'CONFLICT' ? 1 : 0;
  const metrics = await request(`${holder.url}/metrics`);
  const counted = /shelflink_nats_requests_total\{[^}]*outcome="CONFLICT"[^}]*\} (\d+)/.exec(metrics.body)?.[1] ?? '0';
  const valid = served.token !== undefined && (await validAtSandbox(sandbox, served.token));
  const audited = await withClient(system.database.url, async (client) => {
    const { rows } = await client.query(
      `SELECT detail FROM auth.audit_log WHERE connection_id = $1 AND event = 'credential.refresh_fenced'`,
      [connectionId],
    );
    return rows.length === 1 && rows[0].detail.expectedVersion === before.version;
  });
  const pass =
    fenced === 1 &&
    audited &&
    newer !== undefined &&
    served.token === newer &&
    valid &&
    after.version === before.version + 1 &&
    refreshes.length === 2 &&
    refreshes.every((e) => e.status === 200);
  return {
    answers: [...answers, lateAnswer],
    fenced,
    pass,
    detail: `(b) holder SIGSTOPped ${(stoppedMs / 1000).toFixed(1)} s (lease ${leaseMs} ms); the other process refreshed; on SIGCONT the holder's write was ${fenced ? 'rejected by the version fence (its caller got CONFLICT' : `NOT fenced (its caller got ${JSON.stringify(lateAnswer).slice(0, 120)}`}; the holder's /metrics count ${counted} CONFLICT replies; audit row credential.refresh_fenced: ${audited ? 'yes' : 'NO'}). Credential version ${before.version} → ${after.version} (must be +1); callers now get the newer token: ${served.token === newer ? 'yes' : 'NO'}, valid at the sandbox: ${valid ? 'yes' : 'NO'}; refresh calls in the ledger: ${refreshes.length} (must be 2: the fenced one and the stored one), statuses ${refreshes.map((e) => e.status).join(', ')}`,
  };
}

/** (c) What the code avoids: a session-level advisory lock through a transaction pooler outlives its client. */
async function strandedAdvisoryLock({ databaseUrl, rng }) {
  const tool = ensureTool('pgbouncer');
  if (!tool.path) return { skipped: true, pass: true, detail: `(c) not run: ${tool.why}` };
  const bouncer = await startPgbouncer({
    serverUrl: databaseUrl,
    binary: tool.path,
    poolSize: 1,
    port: await freePort(),
  });
  track(bouncer.child());
  const pooledUrl = bouncer.url(databaseUrl);
  const key = rng.int(1_000_000, 2_000_000_000);
  const strandedQuery = `SELECT l.pid, a.state, a.backend_type FROM pg_locks l JOIN pg_stat_activity a USING (pid)
    WHERE l.locktype = 'advisory' AND l.objid = $1 AND l.classid = 0 AND l.granted`;
  try {
    await withClient(pooledUrl, (client) => client.query('SELECT pg_advisory_lock($1)', [key]));
    const held = await withClient(databaseUrl, async (client) => {
      const { rows } = await client.query(strandedQuery, [key]);
      const { rows: tried } = await client.query('SELECT pg_try_advisory_lock($1) AS got', [key]);
      return { rows, blocksOthers: tried[0].got === false };
    });
    // A stranger on the same pool is handed the same server session, and with it the lock.
    const strangerGets = await withClient(pooledUrl, async (client) => {
      const { rows } = await client.query('SELECT pg_try_advisory_lock($1) AS got', [key]);
      return rows[0].got === true;
    });
    await bouncer.stop();
    const released = await eventually(
      () => withClient(databaseUrl, async (client) => (await client.query(strandedQuery, [key])).rows.length === 0),
      10_000,
    ).then(
      () => true,
      () => false,
    );
    const detected = held.rows.length === 1 && held.rows[0].state === 'idle' && held.blocksOthers;
    return {
      pass: detected && strangerGets && released,
      detail: `(c) pg_advisory_lock(${key}) through pgbouncer (pool_mode=transaction), client gone: ${detected ? `detected stranded in pg_locks (locktype advisory, granted to idle backend ${held.rows[0].pid} with no client), blocking a direct pg_try_advisory_lock` : `NOT detected (${JSON.stringify(held)})`}; a second pgbouncer client ${strangerGets ? 'silently inherits it' : 'does not inherit it'}; released only when the pool closed: ${released ? 'yes' : 'NO'}`,
    };
  } finally {
    await bouncer.stop();
  }
}

export async function run({ system: main, serverUrl, distRoot, canaries, artifacts, rng, profile }) {
  if (profile === 'short') {
    const c = await strandedAdvisoryLock({ databaseUrl: main.database.url, rng });
    return {
      injected:
        'a session advisory lock through pgbouncer (the lease kill -9 and SIGSTOP parts run in the full profile)',
      requests: c.skipped ? 0 : 1,
      ok: c.pass && !c.skipped ? 1 : 0,
      lost: 0,
      unknown: 0,
      duplicated: 0,
      pass: c.pass,
      details: [c.detail, '(a) and (b): full profile only (a copy of the system with the sandbox, about 75 s)'],
    };
  }
  const env = {
    AUTH_REFRESH_BUFFER_SECONDS: String(bufferSeconds),
    AUTH_TOKEN_CACHE_MS: '0',
    AUTH_REFRESH_LEASE_MS: String(leaseMs),
    AUTH_PROVIDER_TIMEOUT_MS: '60000',
    AUTH_REFRESH_DEADLINE_MS: '120000',
    AUTH_KEEPALIVE_INTERVAL_MS: '0',
  };
  const app = { provider: 'square', clientId: 'sandbox-square-client', accessTokenTtlSeconds: ttlSeconds };
  return withSandboxSystem({ serverUrl, distRoot, canaries, artifacts, env, app }, async ({ system, sandbox }) => {
    await system.start('auth-service');
    await system.start('gateway', { waitFor: 'live' });
    const connectionId = await connectViaOAuth(system, canaries.apiKey, 'square', 'lock-hygiene');
    const caller = await tokenCaller(system);
    try {
      const context = { system, sandbox, caller, connectionId };
      const a = await killHolder(context);
      const b = await stopHolder({ ...context, holder: a.survivor });
      const c = await strandedAdvisoryLock({ databaseUrl: system.database.url, rng });
      return summarize(a, b, c);
    } finally {
      await caller.close();
    }
  });
}

function summarize(a, b, c) {
  const answers = [...a.answers, ...b.answers];
  const errors = answers.filter((x) => x.error).map((x) => x.error.code);
  return {
    injected: `kill -9 and SIGSTOP of the auth-service process holding the refresh lease (${leaseMs} ms) mid-refresh, the other process taking over; a session advisory lock through pgbouncer`,
    requests: answers.length,
    ok: handled(answers) + b.fenced,
    lost: 0,
    unknown: errors.length - b.fenced,
    duplicated: Math.max(0, a.refreshes - 1),
    pass: a.pass && b.pass && c.pass,
    details: [
      a.detail,
      b.detail,
      c.detail,
      `token requests: ${answers.length}, errors ${errors.length ? errors.join(', ') : 'none'} (timeouts are requests the queue group handed to the frozen or the just-killed process; CONFLICT is the fenced one)`,
    ],
  };
}
