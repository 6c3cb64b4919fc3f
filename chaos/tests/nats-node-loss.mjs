// NATS node loss on a three-node cluster with R3 streams (NATS_STREAM_REPLICAS=3, every service given all three URLs).
// Under steady load (unique signed Square webhooks through the app-level route POST /webhooks/square, a sync run of the
// merchant's orders, back-to-back auth.token.get.v1), each node in turn is killed -9, kept down, and restarted on its
// store; the full profile then restarts all three in turn (SIGTERM). Must hold: lost 0 (2xx then no row, or a stored
// row never processed), duplicated 0 (a row stored twice, or a canonical event published twice), a 2xx within 5 s of
// each kill, every sync run succeeded, no service restarted. Token p99 during the faults is recorded, not asserted.
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { serviceNames, sleep } from '../../bench/lib/stack.mjs';
import { percentile } from '../../bench/lib/stats.mjs';
import { envelopeCounts } from '../lib/jetstream.mjs';
import { tokenCaller, withSandboxSystem } from '../lib/sandbox.mjs';
import { eventually, request } from '../lib/traffic.mjs';
import { classify, inboxRows, sendLikeProvider, squareEvents } from '../lib/webhooks.mjs';

export const name = 'nats cluster: node loss and rolling restart (R3)';

const intervalMs = 50; // 20 webhooks/s
const resumeLimitMs = 5_000;

export async function run({ serverUrl, distRoot, canaries, artifacts, profile, rng }) {
  const short = profile === 'short';
  const plan = {
    // Short: the one node that leads the stored-webhooks stream, so the kill forces a leader election.
    victims: short ? ['leader'] : [0, 1, 2],
    downMs: short ? 5_000 : 20_000,
    // Load planned per fault beyond its down time: the restart, streams catching up, the next sync starting.
    settleMs: short ? 8_000 : 15_000,
    rolling: !short,
    orders: short ? 1_000 : 5_000,
  };
  const app = { provider: 'square', clientId: 'sandbox-square-client' };
  const env = { SYNC_PAGE_SIZE: '50' };
  return withSandboxSystem({ serverUrl, distRoot, canaries, artifacts, env, app, cluster: true }, (context) =>
    underLoad({ ...context, canaries, distRoot, rng, plan }),
  );
}

async function underLoad({ system, sandbox, canaries, distRoot, rng, plan }) {
  await system.startAll();
  const pids = Object.fromEntries(serviceNames.map((s) => [s, system.services[s].child.pid]));
  const admin = adminClient(system, canaries.apiKey);
  const merchant = `MCHAOSNODE${rng.hex(3).toUpperCase()}`;
  const connectionId = await sandboxConnection({ system, sandbox, canaries, distRoot, admin, merchant, plan });
  const plannedMs =
    plan.victims.length * (plan.downMs + plan.settleMs) + (plan.rolling ? 3 * plan.settleMs : 0) + 3_000;
  const events = squareEvents(`node-${rng.hex(4)}`, Math.ceil(plannedMs / intervalMs), merchant);
  const answers = [];
  const sending = sendLikeProvider(events, `${system.url('gateway')}/webhooks/square`, canaries.webhookSecret, {
    deadline: Date.now() + plannedMs + 30_000,
    intervalMs,
    senders: 4,
    onAnswer: (answer) => answers.push(answer),
  });
  let faulting = true;
  const tokens = tokenLoad(system, connectionId, () => faulting);
  const monitor = await monitorConnection(system);
  const details = [];
  const faults = [];
  const runs = [];
  try {
    for (const planned of plan.victims) {
      runs.push(await startRunningSync(admin, connectionId));
      const victim = planned === 'leader' ? await leaderOf(monitor, system.nats.nodes, 'WEBHOOK_RECEIVED') : planned;
      const node = system.nats.nodes[victim].name;
      const led = await streamsLedBy(monitor, node);
      const runState = (await admin(`/api/v1/sync-runs/${runs.at(-1)}`)).body.status;
      details.push(
        `before kill -9 ${node}: it led ${led.length} stream(s) (${led.join(', ') || 'none'}); sync run ${runState}`,
      );
      const killedAt = Date.now();
      await system.nats.stop(victim, true);
      await sleep(plan.downMs); // the fault's duration, not a wait for a condition
      await system.nats.start(victim);
      faults.push({ what: `kill -9 ${node}`, killedAt, back: Date.now(), caughtUpMs: await caughtUp(monitor) });
    }
    if (plan.rolling) {
      for (let i = 0; i < system.nats.nodes.length; i += 1) {
        const stoppedAt = Date.now();
        await system.nats.stop(i);
        await system.nats.start(i);
        faults.push({ what: `restart ${system.nats.nodes[i].name}`, killedAt: stoppedAt, back: Date.now() });
        faults.at(-1).caughtUpMs = await caughtUp(monitor);
      }
    }
  } finally {
    faulting = false;
    await sending;
    await monitor.close();
  }
  const token = await tokens;
  return verdict({ system, admin, connectionId, events, answers, faults, runs, token, pids, details, plan });
}

async function verdict({ system, admin, connectionId, events, answers, faults, runs, token, pids, details, plan }) {
  const rows = await inboxRows(system, connectionId);
  const tally = classify(events, rows);
  // Every stored row is processed once: its canonical event (id = row id) is on CANONICAL_EVENTS exactly once.
  const processed = await eventually(
    async () => (await inboxRows(system, connectionId)).every((row) => row.status === 'processed'),
    60_000,
  ).then(
    () => true,
    () => false,
  );
  const finalRows = await inboxRows(system, connectionId);
  const envelopes = await envelopeCounts(system, 'CANONICAL_EVENTS');
  const unprocessed = finalRows.filter((row) => row.status !== 'processed' || !envelopes.has(row.id)).length;
  const republished = finalRows.filter((row) => (envelopes.get(row.id) ?? 0) > 1).length;
  const runStates = await Promise.all(runs.map((id) => finishedRun(admin, id)));
  const resumes = faults.map((fault) => firstOkAfter(answers, fault.killedAt));
  const restarted = serviceNames.filter((s) => system.services[s].child.pid !== pids[s] || !system.services[s].alive());
  const killResumes = resumes.slice(0, plan.victims.length);
  const pass =
    tally.lost === 0 &&
    unprocessed === 0 &&
    processed &&
    tally.duplicated === 0 &&
    republished === 0 &&
    killResumes.every((ms) => ms !== undefined && ms <= resumeLimitMs) &&
    runStates.every((state) => state === 'succeeded') &&
    restarted.length === 0;
  const inFaults = token.samples.filter((s) => faults.some((f) => s.at >= f.killedAt && s.at <= f.back));
  const p99 = percentile(
    inFaults.filter((s) => s.ok).map((s) => s.ms),
    99,
  );
  return {
    injected: `${faults.map((f) => f.what).join(', ')} (${plan.downMs / 1000} s down each) on a 3-node cluster with R3 streams; ${events.length} Square webhooks at 20/s app-level; a ${plan.orders}-order sync per kill; back-to-back token requests`,
    requests: events.length,
    ok: tally.ok,
    lost: tally.lost + unprocessed,
    unknown: tally.unknown,
    duplicated: tally.duplicated + republished,
    pass,
    details: [
      ...details,
      `webhooks: ok ${tally.ok}, lost ${tally.lost}, unknown ${tally.unknown}, stored twice ${tally.duplicated}; rows ${finalRows.length}, not processed ${unprocessed}, canonical events published twice ${republished}`,
      ...faults.map(
        (f, i) =>
          `${f.what}: first 2xx ${resumes[i] === undefined ? 'NEVER' : `${resumes[i]} ms`} after it${i < plan.victims.length ? ` (limit ${resumeLimitMs} ms)` : ''}; streams current ${f.caughtUpMs === undefined ? 'NOT within 60 s' : `${f.caughtUpMs} ms`} after the node was back`,
      ),
      `sync runs: ${runStates.join(', ')}; services restarted or dead: ${restarted.length ? restarted.join(', ') : 'none'}`,
      `auth.token.get.v1: ${token.samples.length} asked, ${token.samples.filter((s) => !s.ok).length} failed; during the faults ${inFaults.length} asked, p99 ${p99.toFixed(1)} ms (recorded, not asserted)`,
    ],
  };
}

const adminClient = (system, apiKey) => (path, body) =>
  request(`${system.url('gateway')}${path}`, {
    method: body ? 'POST' : 'GET',
    headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
    body: body ? JSON.stringify(body) : undefined,
  }).then((r) => ({
    status: r.status,
    body: r.status === 'timeout' || r.status === 'error' ? {} : JSON.parse(r.body),
  }));

/** A sandbox merchant with `plan.orders` orders and a connection to it (static token) routed by its merchant id. */
async function sandboxConnection({ system, sandbox, canaries, distRoot, admin, merchant, plan }) {
  await sandbox.admin('/accounts', {
    provider: 'square',
    account: merchant,
    locations: 1,
    products: 1,
    orders: plan.orders,
  });
  const { mintSquareToken } = await import(pathToFileURL(join(distRoot, 'tools/sandbox/src/sandbox.js')).href);
  const squareApp = {
    provider: 'square',
    clientId: 'sandbox-square-client',
    clientSecret: canaries.clientSecret,
    redirectUris: [`${system.url('gateway')}/oauth/callback`],
  };
  const token = await mintSquareToken(sandbox.url, squareApp, merchant, 'ORDERS_READ');
  const created = await admin('/api/v1/connections', {
    provider: 'square',
    alias: `node-loss-${merchant.slice(-4).toLowerCase()}`,
    credentials: { type: 'access-token', accessToken: token },
    metadata: { merchantId: merchant },
  });
  if (created.status !== 201) throw new Error(`connection: ${created.status} ${JSON.stringify(created.body)}`);
  return created.body.id;
}

/** Starts a sync of the orders and resolves with its id once it is running, so the fault hits it mid-way. */
async function startRunningSync(admin, connectionId) {
  const started = await admin(`/api/v1/connections/${connectionId}/syncs`, { streams: ['orders'] });
  const runId = started.body.runs?.[0]?.id;
  if (!runId) throw new Error(`sync start: ${started.status}`);
  await eventually(async () => (await admin(`/api/v1/sync-runs/${runId}`)).body.status !== 'queued', 20_000, 20);
  return runId;
}

async function finishedRun(admin, runId) {
  let status = 'unknown';
  await eventually(async () => {
    status = (await admin(`/api/v1/sync-runs/${runId}`)).body.status ?? status;
    return status === 'succeeded' || status === 'failed';
  }, 120_000).catch(() => undefined);
  return status;
}

/** ms from `from` to the first 2xx answer of a delivery sent at or after it; undefined when none came. */
function firstOkAfter(answers, from) {
  const ok = answers.filter((a) => a.sentAt >= from && typeof a.status === 'number' && a.status < 300);
  return ok.length ? Math.min(...ok.map((a) => a.at)) - from : undefined;
}

/** auth.token.get.v1 one after the other while `going()`; each sample: when, how long, answered with a token. */
async function tokenLoad(system, connectionId, going) {
  const caller = await tokenCaller(system, 2_000);
  const samples = [];
  try {
    while (going()) {
      const started = performance.now();
      const answer = await caller.ask(connectionId);
      samples.push({ at: Date.now(), ms: performance.now() - started, ok: Boolean(answer.accessToken) });
      await sleep(20);
    }
  } finally {
    await caller.close();
  }
  return { samples };
}

/** A JetStream view as webhook-ingest (its user may call the JetStream API), on every node's URL. */
function monitorConnection(system) {
  return connect({
    servers: system.nats.urls,
    user: 'webhook-ingest',
    pass: system.nats.password('webhook-ingest'),
    inboxPrefix: '_INBOX_webhook_ingest',
    maxReconnectAttempts: -1,
  });
}

/** The index of the node that leads `stream`. */
async function leaderOf(connection, nodes, stream) {
  const { cluster } = await (await jetstreamManager(connection)).streams.info(stream);
  return Math.max(
    0,
    nodes.findIndex((node) => node.name === cluster?.leader),
  );
}

/** Names of the streams whose leader is `node`. */
async function streamsLedBy(connection, node) {
  const streams = await (await jetstreamManager(connection)).streams.list().next();
  return streams.filter((info) => info.cluster?.leader === node).map((info) => info.config.name);
}

/** ms until every stream has a leader and all its replicas are current again; undefined after 60 s. */
async function caughtUp(connection) {
  const started = Date.now();
  const manager = await jetstreamManager(connection);
  const current = async () => {
    try {
      const streams = await manager.streams.list().next();
      return streams.every(
        (info) => info.cluster?.leader && (info.cluster.replicas ?? []).every((r) => r.current && !r.offline),
      );
    } catch {
      return false;
    }
  };
  return eventually(current, 60_000, 200).then(
    () => Date.now() - started,
    () => undefined,
  );
}
