// pgbouncer restart mid-load: auth-service, webhook-ingest and sync-service reach Postgres only through pgbouncer in
// transaction mode (Debian's, the rig of scripts/pgbouncer.mjs), while signed Square webhooks arrive at a steady rate
// through the gateway, a sync of the merchant's orders runs against the sandbox and token requests flow over NATS.
// pgbouncer is killed -9 and started again on its port (short: once; full: three times). Must hold: webhooks 2xx,
// tokens and every service's readiness back within 10 s of each restart, lost 0, duplicated 0, the sync run succeeds.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { freePort, sleep, track } from '../../bench/lib/stack.mjs';
import { startPgbouncer } from '../../scripts/pgbouncer.mjs';
import { tokenCaller, withSandboxSystem } from '../lib/sandbox.mjs';
import { ensureTool } from '../lib/tools.mjs';
import { eventually, isReady, request } from '../lib/traffic.mjs';
import { classify, inboxRows, sendLikeProvider, sendSquareEvent, squareEvent, squareEvents } from '../lib/webhooks.mjs';

export const name = 'pgbouncer restart under load';

const recoveryBudgetMs = 10_000;
const dbServices = ['auth-service', 'webhook-ingest', 'sync-service'];
const env = { AUTH_TOKEN_CACHE_MS: '0', SYNC_PAGE_SIZE: '50' };
const slowPages = { provider: 'square', kind: 'latency', ms: 500, count: 0, endpoint: 'square.orders.search' };

/** Time from `since` (pgbouncer back) until a fresh signed delivery, a token and every service's readiness succeed. */
async function recovery({ system, webhookUrl, secret, merchant, caller, connectionId, since, label }) {
  const probes = {
    webhook: async () => {
      const probe = await sendSquareEvent(webhookUrl, secret, squareEvent(`probe-${label}-${Date.now()}`, merchant));
      return typeof probe.status === 'number' && probe.status < 300;
    },
    token: async () => Boolean((await caller.ask(connectionId, 3_000)).accessToken),
    ...Object.fromEntries(dbServices.map((service) => [`${service} ready`, () => isReady(system.url(service))])),
  };
  const entries = await Promise.all(
    Object.entries(probes).map(async ([what, probe]) => {
      const ok = await eventually(probe, 30_000, 100).then(
        () => true,
        () => false,
      );
      return [what, ok ? Date.now() - since : undefined];
    }),
  );
  return Object.fromEntries(entries);
}

/** Asks for the connection's token until `done()`, keeping every answer. */
async function tokenLoad(caller, connectionId, done) {
  const answers = [];
  while (!done()) {
    answers.push(await caller.ask(connectionId, 5_000));
    await sleep(50);
  }
  return answers;
}

async function connectMerchant({ system, sandbox, canaries, distRoot, rng, orders }) {
  const merchant = `MCHAOSPGB${rng.hex(3).toUpperCase()}`;
  await sandbox.admin('/accounts', { provider: 'square', account: merchant, locations: 1, products: 1, orders });
  const { mintSquareToken } = await import(pathToFileURL(join(distRoot, 'tools/sandbox/src/sandbox.js')).href);
  const app = {
    provider: 'square',
    clientId: 'sandbox-square-client',
    clientSecret: canaries.clientSecret,
    redirectUris: [`${system.url('gateway')}/oauth/callback`],
  };
  const token = await mintSquareToken(sandbox.url, app, merchant, 'ORDERS_READ');
  const created = await admin(system, canaries, '/api/v1/connections', {
    provider: 'square',
    alias: `pgbouncer-${rng.hex(3)}`,
    credentials: { type: 'access-token', accessToken: token },
    metadata: { merchantId: merchant },
  });
  if (created.status !== 201) throw new Error(`connection: ${created.status} ${JSON.stringify(created.body)}`);
  return { merchant, connectionId: created.body.id };
}

const admin = (system, canaries, path, body) =>
  request(`${system.url('gateway')}${path}`, {
    method: body ? 'POST' : 'GET',
    headers: { authorization: `Bearer ${canaries.apiKey}`, 'content-type': 'application/json' },
    body: body ? JSON.stringify(body) : undefined,
  }).then((r) => ({ status: r.status, body: JSON.parse(r.body) }));

/** Starts a sync the sandbox keeps slow, so it runs across the restarts; `status()` reads the run's status. */
async function slowSync(system, sandbox, canaries, merchant, connectionId) {
  await sandbox.admin('/faults', { ...slowPages, account: merchant });
  const path = `/api/v1/connections/${connectionId}/syncs`;
  const runId = (await admin(system, canaries, path, { streams: ['orders'] })).body.runs?.[0]?.id;
  return { runId, status: async () => (await admin(system, canaries, `/api/v1/sync-runs/${runId}`)).body.status };
}

/** Kills -9 pgbouncer `restarts` times, 2-4 s apart, restarting it after 1-3 s down; measures each recovery. */
async function restartRounds({ bouncer, rng, restarts, sync, probe }) {
  const recoveries = [];
  let syncingAtKill = 0;
  for (let round = 0; round < restarts; round += 1) {
    await sleep(rng.int(2_000, 4_000));
    if (['queued', 'running'].includes(await sync.status())) syncingAtKill += 1;
    const downMs = rng.int(1_000, 3_000);
    await bouncer.restart({ downMs });
    track(bouncer.child());
    recoveries.push({ downMs, ...(await recovery({ ...probe, since: Date.now(), label: round })) });
  }
  return { recoveries, syncingAtKill };
}

/** Webhooks, tokens and a sync against the services behind `bouncer`, while it is restarted. */
async function underLoad({ system, sandbox, canaries, distRoot, rng, profile, bouncer }) {
  const restarts = profile === 'short' ? 1 : 3;
  const count = profile === 'short' ? 120 : 1_200;
  const orders = profile === 'short' ? 400 : 2_000;
  const pooled = { DATABASE_URL: bouncer.url(system.database.url) };
  for (const service of dbServices) await system.start(service, { env: pooled });
  await system.start('gateway');
  const { merchant, connectionId } = await connectMerchant({ system, sandbox, canaries, distRoot, rng, orders });
  const webhookUrl = `${system.url('gateway')}/webhooks/square/${connectionId}`;
  const caller = await tokenCaller(system, 5_000);
  const events = squareEvents(`pgb-${rng.hex(4)}`, count, merchant);
  const deadline = Date.now() + (profile === 'short' ? 40_000 : 150_000);
  const sending = sendLikeProvider(events, webhookUrl, canaries.webhookSecret, {
    deadline,
    intervalMs: 50,
    senders: 4,
  });
  let finished = false;
  const tokens = tokenLoad(caller, connectionId, () => finished);
  const sync = await slowSync(system, sandbox, canaries, merchant, connectionId);
  const probe = { system, webhookUrl, secret: canaries.webhookSecret, merchant, caller, connectionId };
  let rounds;
  try {
    rounds = await restartRounds({ bouncer, rng, restarts, sync, probe });
    await sending;
  } finally {
    finished = true;
  }
  const answers = await tokens;
  await caller.close();
  const synced = await eventually(async () => (await sync.status()) === 'succeeded', 60_000).then(
    () => true,
    () => false,
  );
  const tally = classify(events, await inboxRows(system, connectionId));
  const run = { runId: sync.runId, status: await sync.status(), synced };
  return summarize({ events, tally, answers, ...rounds, run, restarts });
}

export async function run({ serverUrl, distRoot, canaries, artifacts, profile, rng }) {
  const tool = ensureTool('pgbouncer');
  if (!tool.path) return { skipped: tool.why, requests: 0, ok: 0, lost: 0, unknown: 0, duplicated: 0, pass: true };
  const bouncer = await startPgbouncer({ serverUrl, binary: tool.path, port: await freePort() });
  track(bouncer.child());
  const app = { provider: 'square', clientId: 'sandbox-square-client' };
  try {
    return await withSandboxSystem({ serverUrl, distRoot, canaries, artifacts, env, app }, ({ system, sandbox }) =>
      underLoad({ system, sandbox, canaries, distRoot, rng, profile, bouncer }),
    );
  } finally {
    await bouncer.stop();
  }
}

const describeRestart = ({ downMs, ...back }, i) =>
  `restart ${i + 1}: down ${downMs} ms; from its return: ${Object.entries(back)
    .map(([what, ms]) => `${what} ${ms === undefined ? 'NEVER (30 s)' : `${ms} ms`}`)
    .join(', ')} (budget ${recoveryBudgetMs / 1000} s)`;

function summarize({ events, tally, answers, recoveries, syncingAtKill, run, restarts }) {
  const slowest = recoveries.map(({ downMs: _down, ...back }) =>
    Math.max(...Object.values(back).map((ms) => ms ?? Infinity)),
  );
  const recovered = slowest.every((ms) => ms <= recoveryBudgetMs);
  const tokenErrors = answers.filter((a) => !a.accessToken).map((a) => a.error?.code ?? 'no token');
  const seen = new Set(events.flatMap((e) => [...e.statuses]));
  // The outage must have been felt by the traffic, or the test proved nothing.
  const felt = [...seen].some((status) => status !== 200) || tokenErrors.length > 0;
  const held = tally.lost === 0 && tally.duplicated === 0 && tally.unknown === 0;
  return {
    injected: `${restarts} × kill -9 of pgbouncer (transaction mode, in front of every service's database), down 1-3 s, then started again, under ${events.length} signed Square webhooks at 20/s, a sync of the merchant's orders and token requests`,
    requests: events.length + answers.length,
    ok: tally.ok + answers.length - tokenErrors.length,
    lost: tally.lost,
    unknown: tally.unknown,
    duplicated: tally.duplicated,
    pass: recovered && felt && held && run.synced && syncingAtKill > 0,
    details: [
      ...recoveries.map(describeRestart),
      `webhooks: ok ${tally.ok}, lost ${tally.lost}, unknown ${tally.unknown}, duplicated ${tally.duplicated}; statuses seen ${[...seen].join(', ')}`,
      `tokens: ${answers.length} requests, ${tokenErrors.length} without a token (${[...new Set(tokenErrors)].join(', ') || 'none'})`,
      `sync run ${run.runId} (orders, pages slowed at the sandbox): running at ${syncingAtKill} of ${restarts} kills; ${run.synced ? 'succeeded' : `did NOT succeed (status ${run.status})`}`,
      `the outage was felt by the traffic (a non-2xx webhook answer or a token error): ${felt ? 'yes' : 'NO'}`,
    ],
  };
}
