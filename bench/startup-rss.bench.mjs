// Start-up time (spawn → /health/ready 200) and idle RSS of each built service, against a fresh database and a
// nats-server of its own per round, beside a bare `node -e` http server measured the same way. Medians over rounds.
import { spawn } from 'node:child_process';
import {
  createDatabase,
  freePort,
  prepareBuild,
  postgresServer,
  rssBytes,
  serviceEnv,
  serviceNames,
  sleep,
  startNats,
  startService,
  stopChild,
  waitForHttp,
} from './lib/stack.mjs';
import { benchSettings, emit, median, row } from './lib/stats.mjs';

const MiB = 2 ** 20;
const { quick, rounds } = benchSettings();
const idleMs = quick ? 1_000 : 5_000;

async function measureRound(distRoot, serverUrl) {
  const database = await createDatabase(serverUrl, { prefix: 'bench_startup', migrate: true, distRoot });
  const running = [];
  const figures = {};
  let nats;
  try {
    nats = await startNats();
    for (const name of serviceNames) {
      const started = performance.now();
      try {
        const service = await startService(name, serviceEnv(name, { nats, databaseUrl: database.url }), { distRoot });
        figures[name] = { startupMs: performance.now() - started };
        running.push(service);
      } catch (error) {
        // A service that does not start is a result (a failed row), not a reason to skip the others.
        figures[name] = { startupMs: NaN, rssBytes: NaN, error: firstLine(error) };
      }
    }
    const floor = await startBareNode();
    running.push(floor);
    figures.floor = { startupMs: floor.startupMs };
    await sleep(idleMs);
    for (const service of running)
      figures[service.name === 'bare-node' ? 'floor' : service.name].rssBytes = rssBytes(service.child.pid);
    return figures;
  } finally {
    await Promise.all(running.reverse().map((service) => service.stop()));
    await nats?.dispose();
    await database.drop();
  }
}

const firstLine = (error) => String(error instanceof Error ? error.message : error).split('\n')[0];

/** The floor: `node -e` with a plain http server, timed from spawn to its first 200. */
async function startBareNode() {
  const port = await freePort();
  const script = `require('node:http').createServer((q, s) => s.end('ok')).listen(${port}, '127.0.0.1')`;
  const started = performance.now();
  const child = spawn(process.execPath, ['-e', script], { stdio: 'ignore' });
  await waitForHttp(`http://127.0.0.1:${port}/`);
  return { name: 'bare-node', child, startupMs: performance.now() - started, stop: () => stopChild(child) };
}

const build = prepareBuild({ skipBuild: true, tag: 'bench-startup' });
const postgres = await postgresServer();
try {
  const results = [];
  const roundErrors = [];
  for (let round = 0; round < rounds; round += 1) {
    // One broken round (a port race on a busy machine) is reported, and the other rounds still count.
    await measureRound(build.distRoot, postgres.serverUrl).then(
      (figures) => results.push(figures),
      (error) => roundErrors.push(`round ${round + 1}: ${firstLine(error)}`),
    );
  }
  if (results.length === 0) throw new Error(`every round failed: ${roundErrors.join('; ')}`);
  const med = (key, field) => median(results.map((r) => r[key][field]));
  const floorStart = med('floor', 'startupMs');
  const floorRss = med('floor', 'rssBytes') / MiB;
  const failures = serviceNames.flatMap((name) =>
    results.filter((r) => r[name].error).map((r) => `${name}: ${r[name].error}`),
  );
  const rows = serviceNames.flatMap((name) => [
    row({
      figure: `start-up to /health/ready: ${name}`,
      value: med(name, 'startupMs'),
      unit: 'ms',
      floor: 'bare node -e http',
      floorValue: floorStart,
    }),
    row({
      figure: `idle RSS after ${idleMs / 1000} s: ${name}`,
      value: med(name, 'rssBytes') / MiB,
      unit: 'MiB',
      floor: 'bare node -e http',
      floorValue: floorRss,
    }),
  ]);
  emit('startup-rss', rows, {
    rounds: results.length,
    idleMs,
    failures,
    ...(roundErrors.length ? { note: `rounds lost to the rig (not counted): ${roundErrors.join('; ')}` } : {}),
    raw: results,
  });
  if (failures.length) process.exitCode = 1;
} finally {
  build.dispose();
  await postgres.stop();
}
