// proxy: GET /v2/locations of one sandbox Square merchant through the proxy, over NATS (provider.request.v1) and over
// HTTP (the gateway's proxy route), beside the same GET made directly to the sandbox in the same run. Targets: ≥ 0.5×
// the direct throughput at 50 in flight, and < 2 ms added p50 at 1 in flight. Then the NATS rows again with the call
// log off (CALL_LOG_ENABLED=false; a no-op before calllog24's switch is merged), to show what logging costs.
import { connect } from '@nats-io/transport-node';
import { randomBytes } from 'node:crypto';
import { measureRequests, summarize } from './floors/nats-echo.mjs';
import { cpuSeconds, postgresCpuSeconds } from './lib/cpu-time.mjs';
import { createDatabase, postgresServer, serviceEnv, startNats, startService } from './lib/stack.mjs';
import { benchSettings, emit, round, row } from './lib/stats.mjs';
import { mintSquareToken, startBenchSandbox } from './lib/sync-sandbox.mjs';

const { quick, rounds } = benchSettings();
const durationMs = quick ? 1_000 : 5_000;
const concurrency = 50;
const tenantId = 'bench-proxy';
const merchant = 'MBENCHPROXY';
const apiKey = `slk_${randomBytes(32).toString('base64url')}`;

const postgres = await postgresServer();
const database = await createDatabase(postgres.serverUrl, { prefix: 'bench_proxy', migrate: true });
const nats = await startNats();
const sandbox = await startBenchSandbox();
const running = [];
try {
  const extra = {
    SANDBOX_URL: sandbox.url,
    SHELFLINK_BOOTSTRAP_TENANT_ID: tenantId,
    SHELFLINK_BOOTSTRAP_API_KEY: apiKey,
    // The budget is still taken for every call (a Postgres round trip), only never short: the bench measures the
    // proxy's own cost, not Square's rate.
    SYNC_RATE_LIMITS: JSON.stringify({ square: { capacity: 1_000_000, refillPerSecond: 1_000_000 } }),
  };
  const start = async (name, more = {}, waitFor = 'ready') => {
    const env = serviceEnv(name, { nats, databaseUrl: database.url, extra: { ...extra, ...more } });
    const service = await startService(name, env, { waitFor });
    running.push(service);
    return service;
  };
  await start('auth-service');
  let sync = await start('sync-service');
  // No webhook-ingest here: the gateway is live (its readiness would wait for all three services).
  const gateway = await start('gateway', {}, 'live');

  const accessToken = await mintSquareToken(sandbox.url, merchant);
  const created = await fetch(`${gateway.url}/api/v1/connections`, {
    method: 'POST',
    headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      provider: 'square',
      alias: 'bench',
      credentials: { type: 'access-token', accessToken },
      metadata: { merchantId: merchant },
    }),
  }).then((response) => response.json());
  if (!created.id) throw new Error(`could not create the bench connection: ${JSON.stringify(created)}`);

  const direct = async () => {
    const response = await fetch(`${sandbox.url}/square/v2/locations`, {
      headers: { authorization: `Bearer ${accessToken}`, 'square-version': '2026-05-20', accept: 'application/json' },
    });
    await response.arrayBuffer();
    if (response.status !== 200) throw new Error(`direct ${response.status}`);
  };
  const operator = await connect({
    servers: nats.url,
    user: 'operator',
    pass: nats.password('operator'),
    inboxPrefix: '_INBOX_operator',
  });
  const body = JSON.stringify({ tenantId, connectionId: created.id, method: 'GET', path: '/v2/locations' });
  const viaNats = async () => {
    const reply = (await operator.request('provider.request.v1', body, { timeout: 10_000 })).json();
    if (reply.status !== 200) throw new Error(`nats ${JSON.stringify(reply.error ?? reply.status)}`);
  };
  const proxyUrl = `${gateway.url}/api/v1/connections/${created.id}/proxy/v2/locations`;
  const viaHttp = async () => {
    const response = await fetch(proxyUrl, { headers: { authorization: `Bearer ${apiKey}` } });
    await response.arrayBuffer();
    if (response.status !== 200) throw new Error(`http ${response.status}`);
  };

  // CPU seconds so far of each process a request goes through: all share one core here, so CPU per request is
  // what throughput answers to. The bench process is the client and the sandbox.
  const cpu = () => {
    const own = process.cpuUsage();
    return {
      bench: (own.user + own.system) / 1e6,
      gateway: cpuSeconds(gateway.child.pid),
      'sync-service': cpuSeconds(sync.child.pid),
      'nats-server': cpuSeconds(nats.pid),
      postgres: postgresCpuSeconds(database.name),
    };
  };
  const measure = async (request, inFlight) => {
    const results = [];
    for (let i = 0; i < rounds; i += 1)
      results.push(await measureRequests(request, { concurrency: inFlight, durationMs, cpu }));
    return summarize(results);
  };
  // Alternated per round set so a drift of the machine does not favour one path.
  const figures = {};
  for (const [name, request] of Object.entries({ direct, viaNats, viaHttp })) {
    figures[name] = { busy: await measure(request, concurrency), serial: await measure(request, 1) };
  }
  await sync.stop();
  running.splice(running.indexOf(sync), 1);
  sync = await start('sync-service', { CALL_LOG_ENABLED: 'false' });
  await viaNats();
  figures.viaNatsNoLog = { busy: await measure(viaNats, concurrency), serial: await measure(viaNats, 1) };
  await operator.close();
  for (const [name, figure] of Object.entries(figures)) {
    const parts = Object.entries(figure.busy.cpuUsPerRequest);
    const total = parts.reduce((sum, [, us]) => sum + us, 0);
    const line = parts.map(([process, us]) => `${process} ${round(us, 0)}`).join(', ');
    console.log(`CPU per request (µs), ${concurrency} in flight, ${name}: ${round(total, 0)} = ${line}`);
  }

  const throughput = (figure, label, target) =>
    row({
      figure: `${label}, ${concurrency} in flight`,
      value: figure.busy.requestsPerSecond,
      unit: 'req/s',
      floor: 'direct GET to the sandbox',
      floorValue: figures.direct.busy.requestsPerSecond,
      ...(target ? { target: '≥ 0.5× floor', check: (_value, ratio) => ratio >= 0.5 } : {}),
    });
  const added = (figure, label, target) =>
    row({
      figure: `${label}: added p50, 1 in flight`,
      value: figure.serial.p50Ms - figures.direct.serial.p50Ms,
      unit: 'ms',
      floor: 'direct p50, 1 in flight',
      floorValue: figures.direct.serial.p50Ms,
      ...(target ? { target: '< 2 ms', check: (value) => value < 2 } : {}),
    });
  emit(
    'proxy',
    [
      throughput(figures.viaNats, 'proxy over NATS (provider.request.v1)', true),
      throughput(figures.viaHttp, 'proxy over HTTP (gateway route)', true),
      added(figures.viaNats, 'proxy over NATS', true),
      added(figures.viaHttp, 'proxy over HTTP', true),
      throughput(figures.viaNatsNoLog, 'proxy over NATS, call log off', false),
      added(figures.viaNatsNoLog, 'proxy over NATS, call log off', false),
    ],
    { raw: figures },
  );
  const errors = Object.values(figures).reduce((sum, f) => sum + f.busy.errors + f.serial.errors, 0);
  if (errors > 0) process.exitCode = 1;
} finally {
  for (const service of running.reverse()) await service.stop();
  await sandbox.close();
  await nats.dispose();
  await database.drop();
  await postgres.stop();
}
