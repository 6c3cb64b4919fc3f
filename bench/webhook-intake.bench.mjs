// webhook-intake: accepted webhooks/s and p50/p99 time-to-2xx for unique signed events at 50 concurrent senders through
// the gateway and webhook-ingest (real Postgres and the repo's nats.conf), beside the bare Fastify + HMAC + INSERT floor
// measured in the same run. Target: ≥ 0.4× the floor's throughput, p99 < 50 ms, no non-2xx.
// Measured twice, floor and stack alike: pinned (the measured processes on the server cpus, the load generator on its
// own cpu) and shared (every process on every cpu, as the "2 cores shared with the load generator").
// Also the CPU per accepted event of every process involved, until the events are processed, beside the floor's: a
// figure a noisy machine bends far less than throughput. auth-service's webhook-secrets and webhook-routes subjects are
// answered by a stand-in here: secrets and routes are cached, so they are off the hot path (the routes lookups are
// counted and reported: the app-level route must not query per delivery).
// Two routes, same services, one after the other: the per-connection URL and the app-level URL (routed by
// X-Shopify-Shop-Domain through webhook-ingest's routing cache).
import { connect } from '@nats-io/transport-node';
import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fastifyHmacInsertFloor } from './floors/fastify-hmac-insert.mjs';
import { cpuPlan } from './lib/cpus.mjs';
import { cpuMeter } from './lib/cpu-time.mjs';
import { runLoad } from './lib/loadgen.mjs';
import {
  createDatabase,
  postgresServer,
  prepareBuild,
  serviceEnv,
  sleep,
  startNats,
  startService,
  withClient,
} from './lib/stack.mjs';
import { startNatsCluster } from '../scripts/nats-cluster.mjs';
import { benchSettings, emit, median, row } from './lib/stats.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const { quick, rounds } = benchSettings();
const connections = 50;
const durationSeconds = quick ? 2 : 10;
// Floor and stack alike are measured warm: traced per response, a fresh process served at a third of its rate with 3×
// the latency for its first 1-3 s (JIT tiering, pools), and a 1 s warm-up left that ramp inside round 1.
const warmupSeconds = quick ? 1 : 5;
const secret = 'bench-shopify-secret';
const connectionId = 'bench_conn';
const shop = 'bench-shop.myshopify.com';
const routes = [
  { name: 'per-connection', path: `/webhooks/shopify/${connectionId}` },
  { name: 'app-level', path: '/webhooks/shopify' },
];
// For comparisons, not for RESULTS.md: BENCH_WEBHOOK_ENV, JSON of extra webhook-ingest variables.
const extraIngestEnv = JSON.parse(process.env.BENCH_WEBHOOK_ENV ?? '{}');
// BENCH_GATEWAY_ENV: the same for the gateway.
const extraGatewayEnv = JSON.parse(process.env.BENCH_GATEWAY_ENV ?? '{}');

// A private copy of dist/, so a rebuild by someone else during the run cannot pull files from under the services.
const build = prepareBuild({ skipBuild: true, tag: 'bench-webhook' });
const postgres = await postgresServer();
try {
  const rows = [];
  const raw = {};
  const pinned = cpuPlan().serverCpus !== '';
  if (pinned) {
    raw.pinned = await measure({ pinned: true });
    rows.push(...rowsFor(raw.pinned, 'pinned'));
    // Children inherit the affinity: from here on every process may use every cpu.
    spawnSync('taskset', ['-p', '-c', `0-${availableParallelism() - 1}`, String(process.pid)], { stdio: 'ignore' });
  }
  raw.shared = await measure({ pinned: false });
  rows.push(...rowsFor(raw.shared, 'shared cpus'));
  // The same services on a three-node NATS cluster with R3 streams, beside the single-node figure of this run.
  raw.cluster = await measure({ pinned: false, cluster: true });
  rows.push(...clusterRows(raw.shared, raw.cluster));
  const note =
    '"pinned" = floor and services on the server cpus, load generator on its own; "shared cpus" = ' +
    'every process on every cpu, the issue\'s "2 cores shared with the load generator". CPU per event counts the ' +
    'gateway, webhook-ingest, nats-server and Postgres until every accepted event is processed.';
  emit('webhook-intake', rows, { raw, note });
} finally {
  build.dispose();
}

/**
 * The floor, then the stack, under one cpu arrangement, each in a database and on a nats-server of its own; `cluster`:
 * the stack alone, on three clustered nats-servers with R3 streams and every node's URL given to the services.
 */
async function measure({ pinned, cluster = false }) {
  const database = await createDatabase(postgres.serverUrl, {
    prefix: 'bench_webhook',
    migrate: true,
    distRoot: build.distRoot,
  });
  const nats = cluster ? await startNatsCluster() : await startNats();
  const natsPids = () => (cluster ? nats.nodes.map((node) => node.child?.pid) : [nats.pid]);
  const services = [];
  let auth;
  try {
    auth = await answerSecrets(nats);
    const floor = cluster
      ? undefined
      : await fastifyHmacInsertFloor({
          databaseUrl: database.url,
          databaseName: database.name,
          connections,
          durationSeconds,
          rounds,
          secret,
          pinned,
          warmupSeconds,
        });
    const ingestEnv = serviceEnv('webhook-ingest', {
      nats,
      databaseUrl: database.url,
      extra: {
        LOG_LEVEL: 'warn',
        DATABASE_POOL_SIZE: '10',
        ...(cluster ? { NATS_STREAM_REPLICAS: '3' } : {}),
        ...extraIngestEnv,
      },
    });
    const ingest = await startService('webhook-ingest', ingestEnv, { distRoot: build.distRoot });
    services.push(ingest);
    // Readiness would wait for auth-service and sync-service, which this bench does not run.
    const gateway = await startService(
      'gateway',
      serviceEnv('gateway', { nats, extra: { LOG_LEVEL: 'warn', ...extraGatewayEnv } }),
      {
        waitFor: 'live',
        distRoot: build.distRoot,
      },
    );
    services.push(gateway);
    const cpu = cpuMeter({
      pids: () => [gateway.child.pid, ingest.child.pid, ...natsPids()],
      database: database.name,
      named: {
        gateway: gateway.child.pid,
        'webhook-ingest': ingest.child.pid,
        ...Object.fromEntries(natsPids().map((pid, i) => [cluster ? `nats-server n${i + 1}` : 'nats-server', pid])),
      },
    });
    const measured = {};
    for (const route of routes) {
      measured[route.name] = await measureRoute({ route, gateway, database, cpu, pinned, auth });
    }
    cpu.stop();
    return { floor, routes: measured };
  } finally {
    await Promise.all(services.map((service) => service.stop()));
    await auth?.close().catch(() => undefined);
    await nats.dispose();
    await database.drop?.();
  }
}

/** Warm-up, then `rounds` measured rounds on one route, each drained of processing before the next. */
async function measureRoute({ route, gateway, database, cpu, pinned, auth }) {
  const load = (duration) =>
    runLoad({
      url: gateway.url,
      connections,
      duration,
      pinned,
      requestModule: join(here, 'floors', 'signed-requests.mjs'),
      requestOptions: {
        path: route.path,
        secret,
        header: 'x-shopify-hmac-sha256',
        extraHeaders: {
          'x-shopify-topic': 'inventory_levels/update',
          'x-shopify-triggered-at': new Date().toISOString(),
          'x-shopify-shop-domain': shop,
        },
        idHeaders: ['x-shopify-webhook-id', 'x-shopify-event-id'],
      },
    });
  await load(warmupSeconds); // JIT, pools, the secrets and routes caches
  await processingDrained(database.url);
  const lookupsBefore = auth.routeLookups();
  const results = [];
  const drainsMs = [];
  const cpuBefore = cpu.parts();
  let partsBefore = cpuBefore;
  for (let round = 0; round < rounds; round += 1) {
    const result = await load(durationSeconds);
    const accepted = result.requests - result.non2xx - result.errors;
    results.push({ ...result, acceptedPerSecond: accepted / result.durationSeconds });
    // Every round starts as the first did, with nothing left to process: back to back, the backlog passed
    // WEBHOOK_PROCESSING_MAX_DEFERRED by round 3, and the later rounds measured another regime (processing at full
    // width during intake) than the first two.
    const drainStarted = performance.now();
    await processingDrained(database.url);
    drainsMs.push(performance.now() - drainStarted);
    // Per round too: a cost that grows round after round is a leak (nats-server's allow_responses once was).
    const partsNow = cpu.parts();
    const perRound = Object.keys(partsNow).map(
      (name) => `${name} ${Math.round(((partsNow[name] - partsBefore[name]) * 1e6) / Math.max(1, accepted))}`,
    );
    console.log(
      `${route.name} round ${round + 1}: ${accepted} accepted, processed ${Math.round(drainsMs.at(-1))} ms after ` +
        `the round; CPU per event (µs, accepted and processed): ${perRound.join(', ')}`,
    );
    partsBefore = partsNow;
  }
  const acceptedTotal = results.reduce((sum, r) => sum + r.requests - r.non2xx - r.errors, 0);
  const partsAfter = cpu.parts();
  const total = Object.keys(partsAfter).reduce((sum, name) => sum + partsAfter[name] - cpuBefore[name], 0);
  const routeLookups = auth.routeLookups() - lookupsBefore;
  console.log(`${route.name}, ${pinned ? 'pinned' : 'shared cpus'}: ${routeLookups} routes lookups while measured`);
  return { results, drainMs: median(drainsMs), cpuMicros: (total * 1e6) / Math.max(1, acceptedTotal), routeLookups };
}

/** Per route: accepted webhooks/s on the cluster beside the single-node figure of the same run (target ≥ 0.6×). */
function clusterRows(single, cluster) {
  return Object.entries(cluster.routes).flatMap(([name, result]) => [
    row({
      figure: `accepted webhooks/s, ${connections} senders (${name}, 3-node NATS cluster, R3 streams, shared cpus)`,
      value: median(result.results.map((r) => r.acceptedPerSecond)),
      unit: 'req/s',
      floor: 'the same on one nats-server, this run',
      floorValue: median(single.routes[name].results.map((r) => r.acceptedPerSecond)),
      target: '≥ 0.6× one node',
      check: (_value, ratio) => ratio >= 0.6,
    }),
    row({
      figure: `time-to-2xx p99 (${name}, 3-node NATS cluster, R3 streams, shared cpus)`,
      value: median(result.results.map((r) => r.p99Ms)),
      unit: 'ms',
      floor: 'one nats-server p99, this run',
      floorValue: median(single.routes[name].results.map((r) => r.p99Ms)),
    }),
    row({
      figure: `CPU per event, accepted and processed (${name}, 3-node NATS cluster, R3 streams)`,
      value: result.cpuMicros,
      unit: 'µs',
      floor: 'one nats-server, this run',
      floorValue: single.routes[name].cpuMicros,
    }),
  ]);
}

function rowsFor({ floor, routes: measured }, arrangement) {
  return Object.entries(measured).flatMap(([name, result]) => routeRows(floor, result, `${name}, ${arrangement}`));
}

function routeRows(floor, { results, drainMs, cpuMicros, routeLookups }, arrangement) {
  const figure = (text) => `${text} (${arrangement})`;
  return [
    row({
      figure: figure(`accepted webhooks/s, ${connections} senders`),
      value: median(results.map((r) => r.acceptedPerSecond)),
      unit: 'req/s',
      floor: 'bare Fastify + HMAC + INSERT',
      floorValue: floor.acceptedPerSecond,
      target: '≥ 0.4× floor',
      check: (_value, ratio) => ratio >= 0.4,
    }),
    row({
      figure: figure('time-to-2xx p50'),
      value: median(results.map((r) => r.p50Ms)),
      unit: 'ms',
      floor: 'floor p50',
      floorValue: floor.p50Ms,
    }),
    row({
      figure: figure('time-to-2xx p99'),
      value: median(results.map((r) => r.p99Ms)),
      unit: 'ms',
      floor: 'floor p99',
      floorValue: floor.p99Ms,
      target: '< 50 ms',
      check: (value) => value < 50,
    }),
    row({
      figure: figure('CPU per event, accepted and processed'),
      value: cpuMicros,
      unit: 'µs',
      floor: 'floor: CPU per request (Fastify server, Postgres)',
      floorValue: floor.cpuMicrosPerRequest,
    }),
    row({
      figure: figure("processing backlog of a round drained in, after the round's end"),
      value: drainMs,
      unit: 'ms',
    }),
    row({
      figure: figure('routing lookups sent to auth-service while measured'),
      value: routeLookups,
      unit: 'count',
    }),
    row({
      figure: figure('non-2xx responses'),
      value: results.reduce((sum, r) => sum + r.non2xx + r.errors + r.timeouts, 0),
      unit: 'count',
      target: '= 0',
      check: (value) => value === 0,
    }),
  ];
}

/**
 * Stands in for auth-service on the webhook-secrets subject (one Shopify connection with the bench secret, and the
 * app's secret) and the webhook-routes subject (the bench shop has that one connection), counting routes lookups.
 */
async function answerSecrets(nats) {
  const auth = await connect({
    servers: nats.url.split(','),
    user: 'auth-service',
    pass: nats.password('auth-service'),
    inboxPrefix: '_INBOX_auth_service',
  });
  const secretsReply = JSON.stringify({
    tenantId: 'bench-tenant',
    provider: 'shopify',
    scheme: 'shopify-hmac',
    secrets: [secret],
    version: 1,
  });
  const appSecretsReply = JSON.stringify({
    provider: 'shopify',
    scheme: 'shopify-hmac',
    secrets: [secret],
    routable: true,
    version: 1,
  });
  auth.subscribe('auth.internal.webhook-secrets.get.v1', {
    queue: 'auth-service',
    callback: (_error, message) =>
      message.respond(message.json().connectionId === undefined ? appSecretsReply : secretsReply),
  });
  let routeLookups = 0;
  const routesReply = JSON.stringify({ routes: [{ tenantId: 'bench-tenant', connectionId, status: 'active' }] });
  auth.subscribe('auth.internal.webhook-routes.get.v1', {
    queue: 'auth-service',
    callback: (_error, message) => {
      routeLookups += 1;
      message.respond(message.json().accountKey === shop ? routesReply : JSON.stringify({ routes: [] }));
    },
  });
  return { close: () => auth.close(), routeLookups: () => routeLookups };
}

/** Waits until every stored event is processed (or dead), so the CPU figure includes processing. */
async function processingDrained(databaseUrl, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  const open = () =>
    withClient(databaseUrl, (client) =>
      client.query(`SELECT count(*)::int AS n FROM webhook.received_events WHERE status IN ('received', 'published')`),
    );
  while ((await open()).rows[0].n > 0) {
    if (Date.now() > deadline) throw new Error('stored events were not processed in time');
    await sleep(100);
  }
}
