// sync-throughput: records/s from the sandbox into sync-service's canonical tables (a real sync-service process,
// Square orders, 1000 per page, no rate limit in the way) beside the batched-upsert floor of the same rows,
// and the sync-service process's peak RSS at 10k and 100k orders (it must stay flat: pulls stream page by page).
// `--quick` (or BENCH_QUICK=1): 10k orders only, one round. BENCH_SYNC_PAGE_SIZE overrides the page size (1000).
// For profiling and comparisons, not for RESULTS.md: BENCH_SYNC_SIZES (e.g. `100000`), BENCH_SYNC_ENV (JSON of extra
// sync-service variables, e.g. `{"SYNC_PAGE_SIZE":"250"}`), BENCH_SYNC_PREFIX (a command wrapping the node
// of sync-service, e.g. a script adding --cpu-prof or --trace-gc).
// The sandbox runs in this process, which moves to the load generator's cpu once nats-server is up: it stands in for
// a provider on another machine, so it must not take the measured cpu from sync-service (pinned to the server cpus).
// CPU seconds of sync-service and of this process (the sandbox) per run are printed: on a shared machine they say
// where the time went more steadily than wall-clock rates do.
// The record feed is measured in the same runs: a durable consumer on the tenant's feed stream counts the orders'
// changes as they arrive (record changes/s = orders ÷ time from the run's start to the last change acked), beside a
// raw JetStream publish + durable consume of the same envelopes (floors/jetstream-feed.mjs) after each run.
// The RSS timeline is printed per second: a sawtooth whose post-GC floor stays put means pages are not retained.
import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import pg from 'pg';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { randomBytes } from 'node:crypto';
import { natsPasswordVariable, natsUsers } from '../scripts/infra.mjs';
import { batchedUpsertFloor } from './floors/batched-upsert.mjs';
import { jetstreamFeedFloor } from './floors/jetstream-feed.mjs';
import { cpuPlan } from './lib/cpus.mjs';
import { cpuSeconds, cpuWaitSeconds, postgresCpuSeconds } from './lib/cpu-time.mjs';
import {
  createDatabase,
  postgresServer,
  root,
  rssBytes,
  serviceEnv,
  sleep,
  startNats,
  startService,
} from './lib/stack.mjs';
import { answerAsAuthService, mintNetSuiteToken, mintSquareToken, startBenchSandbox } from './lib/sync-sandbox.mjs';
import { benchSettings, emit, median, round, row } from './lib/stats.mjs';

const settings = benchSettings();
const quick = settings.quick || process.argv.includes('--quick');
const rounds = quick ? 1 : settings.rounds;
const sizes = quick ? [10_000] : (process.env.BENCH_SYNC_SIZES?.split(',').map(Number) ?? [10_000, 100_000]);
const extraSyncEnv = JSON.parse(process.env.BENCH_SYNC_ENV ?? '{}');
const TENANT = 'bench-tenant';

const distModule = (path) => import(pathToFileURL(join(root, 'dist', path)).href);
const { AccountDataset } = await distModule('tools/sandbox/src/dataset/dataset.js');
const { renderOrder } = await distModule('tools/sandbox/src/square/square-render.js');
const { squareOrder } = await distModule('apps/sync-service/src/pullers/square.mapper.js');
const DATASET_SHAPE = {
  seed: 1,
  locations: 3,
  products: 50,
  anchor: Date.UTC(2026, 0, 1),
  spanDays: 365,
  precisionMs: 1,
};
// The `data` sync-service stores for orders generated like a bench account's, as JSON text (same dataset, same mapper).
function canonicalOrderPayloads(size) {
  const dataset = new AccountDataset({ ...DATASET_SHAPE, orders: size });
  const ctx = { merchantId: 'MFLOOR', tag: 1, data: dataset };
  return Array.from({ length: size }, (_, i) => JSON.stringify(squareOrder(renderOrder(ctx, i)).data));
}

/**
 * Counts the orders' feed changes from now on with a durable consumer of the tenant's stream; `done` resolves with
 * the time (performance.now()) of the `size`-th ack and one envelope's body.
 */
async function watchFeed(feedNc, size, roundIndex, entity = 'orders') {
  const stream = `RECORDS_FEED_${TENANT}`;
  const subject = `records.feed.v1.${TENANT}.${entity}`;
  const manager = await jetstreamManager(feedNc);
  await manager.streams
    .info(stream)
    .catch(() =>
      manager.streams.add({ name: stream, subjects: [`records.feed.v1.${TENANT}.*`], max_age: 7 * 24 * 3600 * 1e9 }),
    );
  const durable = `bench-feed-${entity}-${roundIndex}-${size}`;
  await manager.consumers.add(stream, {
    durable_name: durable,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.New,
    filter_subject: subject,
  });
  const messages = await (await jetstream(feedNc).consumers.get(stream, durable)).consume({ max_messages: 256 });
  const done = (async () => {
    let seen = 0;
    let body;
    for await (const message of messages) {
      body ??= message.string();
      message.ack();
      if (++seen === size) break;
    }
    const at = performance.now();
    await messages.close();
    await manager.consumers.delete(stream, durable);
    return { at, body };
  })();
  return { done };
}

/** A sandbox Square merchant with `size` orders, connected; its orders are what the run pulls. */
async function squareOrders(sandbox, connections, size, roundIndex) {
  const merchant = `MBENCH${size}R${roundIndex}`;
  sandbox.registerAccount({ provider: 'square', account: merchant, locations: 3, products: 50, orders: size });
  const token = await mintSquareToken(sandbox.url, merchant);
  const connectionId = `conn-${merchant}`;
  const metadata = { merchantId: merchant };
  connections.set(connectionId, benchConnection(connectionId, 'square', metadata, token));
  return { connectionId, entity: 'orders', table: 'orders' };
}

/** A sandbox NetSuite account with `size` items, connected with OAuth 2.0; its items are what the run pulls. */
async function netsuiteItems(sandbox, connections, size, roundIndex) {
  const account = `${8000000 + size + roundIndex}`;
  sandbox.registerAccount({ provider: 'netsuite', account, locations: 3, products: size, orders: 0 });
  const token = await mintNetSuiteToken(sandbox.url, account);
  const connectionId = `conn-ns-${account}`;
  connections.set(connectionId, benchConnection(connectionId, 'netsuite', { accountId: account }, token));
  return { connectionId, entity: 'products', table: 'products' };
}

function benchConnection(id, provider, metadata, token) {
  return {
    summary: { id, tenantId: TENANT, provider, alias: id, status: 'active', metadata },
    headers: { Authorization: `Bearer ${token}` },
  };
}

async function syncOnce({
  size,
  roundIndex,
  sandbox,
  nats,
  gatewayNc,
  feedNc,
  connections,
  databaseUrl,
  databaseName,
  sql,
  source = squareOrders,
}) {
  const { connectionId, entity, table } = await source(sandbox, connections, size, roundIndex);
  const service = await startService(
    'sync-service',
    serviceEnv('sync-service', {
      nats,
      databaseUrl,
      extra: {
        SANDBOX_URL: sandbox.url,
        LOG_LEVEL: 'warn',
        SYNC_PAGE_SIZE: process.env.BENCH_SYNC_PAGE_SIZE ?? '1000',
        SYNC_RATE_LIMITS: JSON.stringify({
          square: { capacity: 1000, refillPerSecond: 1000 },
          netsuite: { capacity: 1000, refillPerSecond: 1000 },
        }),
        // The sandbox's Tier 1 limit.
        SYNC_CONCURRENCY_LIMITS: JSON.stringify({ netsuite: 15 }),
        ...extraSyncEnv,
      },
    }),
    { prefix: [...cpuPlan().server, ...(process.env.BENCH_SYNC_PREFIX?.split(' ') ?? [])] },
  );
  let peak = rssBytes(service.child.pid) ?? 0;
  const timeline = [];
  let ticks = 0;
  const sampler = setInterval(() => {
    const rss = rssBytes(service.child.pid) ?? 0;
    peak = Math.max(peak, rss);
    if (++ticks % 40 === 0) timeline.push(Math.round(rss / 2 ** 20));
  }, 25);
  try {
    const cpuBefore = {
      service: cpuSeconds(service.child.pid),
      sandbox: process.cpuUsage(),
      postgres: postgresCpuSeconds(databaseName),
      nats: cpuSeconds(nats.pid),
      serviceWait: cpuWaitSeconds(service.child.pid),
    };
    const feed = await watchFeed(feedNc, size, roundIndex, entity);
    const started = performance.now();
    const reply = await gatewayNc.request(
      'sync.run.start.v1',
      JSON.stringify({ tenantId: TENANT, connectionId, streams: [entity] }),
      { timeout: 10_000 },
    );
    const runId = reply.json().runs[0].id;
    let run;
    for (;;) {
      run = (await sql.query('SELECT status, records, pages FROM sync.runs WHERE id = $1', [runId])).rows[0];
      if (run.status === 'succeeded' || run.status === 'failed') break;
      await sleep(20);
    }
    const seconds = (performance.now() - started) / 1000;
    const serviceCpuSeconds = cpuSeconds(service.child.pid) - cpuBefore.service;
    const postgresCpu = postgresCpuSeconds(databaseName) - cpuBefore.postgres;
    const natsCpuSeconds = cpuSeconds(nats.pid) - cpuBefore.nats;
    const serviceWaitSeconds = cpuWaitSeconds(service.child.pid) - cpuBefore.serviceWait;
    const sandboxCpu = process.cpuUsage(cpuBefore.sandbox);
    const sandboxCpuSeconds = (sandboxCpu.user + sandboxCpu.system) / 1e6;
    if (run.status !== 'succeeded')
      throw new Error(`run failed: ${JSON.stringify(run)}\n${service.output().slice(-2000)}`);
    const stored = Number(
      (await sql.query(`SELECT count(*) FROM sync.${table} WHERE connection_id = $1`, [connectionId])).rows[0].count,
    );
    if (stored !== size) throw new Error(`stored ${stored} ${table}, expected ${size}`);
    const delivered = await Promise.race([feed.done, sleep(60_000).then(() => undefined)]);
    if (!delivered) throw new Error(`the feed did not deliver ${size} order changes within 60 s of the run's end`);
    const feedSeconds = (delivered.at - started) / 1000;
    console.log(`rss timeline (MB, every second): ${timeline.join(' ')}`);
    console.log(
      `${size} orders in ${round(seconds, 1)} s; CPU s: sync-service ${round(serviceCpuSeconds, 1)}, Postgres ${round(postgresCpu, 1)}, nats-server ${round(natsCpuSeconds, 1)}, sandbox and bench ${round(sandboxCpuSeconds, 1)}; sync-service's main thread waited ${round(serviceWaitSeconds, 1)} s for a cpu`,
    );
    console.log(
      `feed: ${size} order changes acked by a durable consumer ${round(feedSeconds, 1)} s after the run's start`,
    );
    // The canonical data as stored: the floor writes exactly these payloads.
    const payloads = (
      await sql.query(`SELECT data::text AS data FROM sync.${table} WHERE connection_id = $1`, [connectionId])
    ).rows.map((r) => r.data);
    return {
      payloads,
      recordsPerSecond: size / seconds,
      feedChangesPerSecond: size / feedSeconds,
      feedBody: delivered.body,
      seconds,
      serviceCpuSeconds,
      postgresCpuSeconds: postgresCpu,
      natsCpuSeconds,
      serviceWaitSeconds,
      sandboxCpuSeconds,
      peakRssBytes: peak,
      pages: run.pages,
      rssTimelineMb: timeline,
    };
  } finally {
    clearInterval(sampler);
    await service.stop();
  }
}

const postgres = await postgresServer();
const database = await createDatabase(postgres.serverUrl, { prefix: 'bench_sync', migrate: true });
// Hex passwords: a random base64url one starting with '-' or reading like a number breaks nats.conf substitution.
const nats = await startNats({
  passwords: Object.fromEntries(natsUsers.map((u) => [natsPasswordVariable(u), `p${randomBytes(18).toString('hex')}`])),
});
// From here this process (the sandbox, the floor's client) runs apart from the measured cpus.
if (cpuPlan().loadgenCpus) spawnSync('taskset', ['-a', '-p', '-c', cpuPlan().loadgenCpus, String(process.pid)]);
const sandbox = await startBenchSandbox();
const connections = new Map();
const authNc = await answerAsAuthService(nats, connections);
const gatewayNc = await connect({
  servers: nats.url,
  user: 'gateway',
  pass: nats.password('gateway'),
  inboxPrefix: '_INBOX_gateway',
});
// The feed's reader and the floor's client: sync-service's user may use JetStream and publish records.>.
const feedNc = await connect({
  servers: nats.url,
  user: 'sync-service',
  pass: nats.password('sync-service'),
  inboxPrefix: '_INBOX_sync_service',
});
const sql = new pg.Client({ connectionString: database.url });
await sql.connect();
try {
  const results = {};
  for (const size of sizes) {
    const payloads = canonicalOrderPayloads(size);
    const runs = [];
    const floors = [];
    const realFloors = [];
    const feedFloors = [];
    // Each round runs the sync, then both floors, so a drift of the machine's speed over minutes hits them alike.
    for (let r = 0; r < rounds; r++) {
      runs.push(
        await syncOnce({
          size,
          roundIndex: r,
          sandbox,
          nats,
          gatewayNc,
          feedNc,
          connections,
          databaseUrl: database.url,
          databaseName: database.name,
          sql,
        }),
      );
      floors.push(await batchedUpsertFloor({ databaseUrl: database.url, rows: size, rounds: 1 }));
      realFloors.push(await batchedUpsertFloor({ databaseUrl: database.url, rows: size, rounds: 1, payloads }));
      feedFloors.push(
        await jetstreamFeedFloor({
          connection: feedNc,
          subject: 'records.feed.v1.bench-floor.orders',
          count: size,
          body: runs[r].feedBody,
        }),
      );
      console.log(
        `round ${r + 1}: feed ${round(runs[r].feedChangesPerSecond, 0)} changes/s against raw JetStream's ${round(feedFloors[r].perSecond, 0)} = ${round(runs[r].feedChangesPerSecond / feedFloors[r].perSecond, 3)}`,
      );
      console.log(
        `round ${r + 1}: ${round(runs[r].recordsPerSecond, 0)} records/s against the floor's ${round(realFloors[r].rowsPerSecond, 0)} = ${round(runs[r].recordsPerSecond / realFloors[r].rowsPerSecond, 3)}`,
      );
    }
    const floor = { rowsPerSecond: median(floors.map((f) => f.rowsPerSecond)) };
    const realFloor = {
      rowsPerSecond: median(realFloors.map((f) => f.rowsPerSecond)),
      postgresCpuSeconds: median(realFloors.map((f) => f.postgresCpuSeconds)),
    };
    results[size] = {
      recordsPerSecond: median(runs.map((x) => x.recordsPerSecond)),
      peakRssMb: Math.max(...runs.map((x) => x.peakRssBytes)) / 2 ** 20,
      floorRowsPerSecond: floor.rowsPerSecond,
      realPayloadFloorRowsPerSecond: realFloor.rowsPerSecond,
      feedChangesPerSecond: median(runs.map((x) => x.feedChangesPerSecond)),
      feedFloorPerSecond: median(feedFloors.map((f) => f.perSecond)),
      runs: runs.map(({ feedBody: _body, payloads: _payloads, ...run }) => run),
      realPayloadFloorRounds: realFloors.map((f) => f.rowsPerSecond),
    };
    console.log(
      `${size} orders: ${round(results[size].recordsPerSecond, 0)} records/s (floor ${round(floor.rowsPerSecond, 0)} rows/s; with the orders' canonical data ${round(realFloor.rowsPerSecond, 0)} rows/s, Postgres CPU ${round(realFloor.postgresCpuSeconds, 1)} s), peak RSS ${round(results[size].peakRssMb, 1)} MB`,
    );
  }
  // NetSuite items (SuiteQL pages of 1000 over HTTP, OAuth 2.0) beside the same floor with the items' canonical data.
  const itemCount = Number(process.env.BENCH_NETSUITE_ITEMS ?? (quick ? 5000 : 25_000));
  const itemRuns = [];
  const itemFloors = [];
  for (let r = 0; r < rounds; r++) {
    const common = { size: itemCount, roundIndex: r, sandbox, nats, gatewayNc, feedNc, connections, sql };
    itemRuns.push(
      await syncOnce({ ...common, databaseUrl: database.url, databaseName: database.name, source: netsuiteItems }),
    );
    const payloads = itemRuns[r].payloads;
    itemFloors.push(await batchedUpsertFloor({ databaseUrl: database.url, rows: itemCount, rounds: 1, payloads }));
    console.log(
      `round ${r + 1}: NetSuite ${round(itemRuns[r].recordsPerSecond, 0)} items/s against the floor's ${round(itemFloors[r].rowsPerSecond, 0)} = ${round(itemRuns[r].recordsPerSecond / itemFloors[r].rowsPerSecond, 3)}; sandbox CPU ${round(itemRuns[r].sandboxCpuSeconds, 1)} s, sync-service CPU ${round(itemRuns[r].serviceCpuSeconds, 1)} s`,
    );
  }
  results.netsuiteItems = {
    items: itemCount,
    recordsPerSecond: median(itemRuns.map((x) => x.recordsPerSecond)),
    floorRowsPerSecond: median(itemFloors.map((f) => f.rowsPerSecond)),
    runs: itemRuns.map(({ feedBody: _body, payloads: _payloads, ...run }) => run),
  };
  const largest = sizes.at(-1);
  const big = results[largest];
  const rows = [
    row({
      figure: `Square orders → canonical tables, ${largest / 1000}k orders`,
      value: round(big.recordsPerSecond, 0),
      unit: 'records/s',
      floor: 'batched INSERT ... ON CONFLICT (500/batch) of the same orders (canonical data, ~1 KB jsonb)',
      floorValue: round(big.realPayloadFloorRowsPerSecond, 0),
      target: '≥ 0.5× floor',
      check: (_value, ratio) => ratio >= 0.5,
    }),
    row({
      figure: `record feed: order changes acked by a durable consumer during the sync, ${largest / 1000}k orders`,
      value: round(big.feedChangesPerSecond, 0),
      unit: 'changes/s',
      floor: 'raw JetStream publish (Nats-Msg-Id, 500 acks awaited at a time) + durable consume of the same envelopes',
      floorValue: round(big.feedFloorPerSecond, 0),
      target: '≥ 0.5× floor',
      check: (_value, ratio) => ratio >= 0.5,
    }),
    row({
      figure: `NetSuite items → canonical products, ${itemCount / 1000}k items (SuiteQL, OAuth 2.0)`,
      value: round(results.netsuiteItems.recordsPerSecond, 0),
      unit: 'records/s',
      floor: 'batched INSERT ... ON CONFLICT (500/batch) of the same items (their canonical data)',
      floorValue: round(results.netsuiteItems.floorRowsPerSecond, 0),
      target: '≥ 0.5× floor',
      check: (_value, ratio) => ratio >= 0.5,
    }),
    // Context, not the target: the floor of the previous reports, same row count with a ~20-byte payload.
    row({
      figure: `Square orders → canonical tables, ${largest / 1000}k orders (against a ~20-byte-payload floor)`,
      value: round(big.recordsPerSecond, 0),
      unit: 'records/s',
      floor: 'batched INSERT ... ON CONFLICT (500/batch), same row count, ~20-byte jsonb',
      floorValue: round(big.floorRowsPerSecond, 0),
    }),
  ];
  for (const size of sizes) {
    rows.push(
      row({
        figure: `sync-service peak RSS, ${size / 1000}k orders`,
        value: round(results[size].peakRssMb, 1),
        unit: 'MB',
      }),
    );
  }
  if (sizes.length > 1) {
    const growth = results[largest].peakRssMb / results[sizes[0]].peakRssMb;
    rows.push(
      row({
        figure: `peak RSS ${largest / 1000}k ÷ ${sizes[0] / 1000}k orders`,
        value: round(growth, 2),
        unit: '×',
        target: 'flat (≤ 1.25×)',
        check: (value) => value <= 1.25,
      }),
    );
  }
  console.log(`| sync-throughput | ${rows.map((r) => `${r.figure}: ${r.value} ${r.unit}`).join(' | ')} |`);
  const note =
    'records/s = orders stored ÷ wall time from sync.run.start.v1 to the run row saying succeeded: Square order pages ' +
    "fetched over HTTP from the sandbox (in the bench process, on the load generator's cpu: a provider is another " +
    'machine), mapped, upserted with the version guard and the feed outbox, checkpointed per page and published as ' +
    "records.orders.changed.v1 and to the record feed. The target floor writes the same orders' canonical data (~1 KB jsonb each) in plain " +
    'batched upserts; the context row compares with the ~20-byte payload floor of earlier reports.';
  emit('sync-throughput', rows, { raw: results, note });
} finally {
  await sql.end();
  await authNc.close();
  await gatewayNc.close();
  await feedNc.close();
  await sandbox.close();
  await nats.dispose();
  await database.drop();
  await postgres.stop();
}
