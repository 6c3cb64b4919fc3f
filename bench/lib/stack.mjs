// The system under test as plain processes: a snapshot of the build, fresh databases, a nats-server of its own and the
// built services. Shared by `npm run bench`, its benches and `npm run chaos`; plain .mjs so it needs no build step.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import {
  build,
  ensurePostgres,
  freePort,
  natsPasswords,
  natsPasswordVariable,
  root,
  runMigrations,
  natsServerBinary,
  portOpen,
  prepareNatsConfig,
  stopChild,
} from '../../scripts/infra.mjs';

export { freePort, root, stopChild };

const living = new Set();
// Children left behind when the runner dies are killed with it.
process.once('exit', () => {
  for (const child of living) child.kill('SIGKILL');
});

/** Kills `child` with this process if it is still running then (for children started outside this module). */
export function track(child) {
  living.add(child);
  child.once('exit', () => living.delete(child));
  return child;
}

/**
 * Builds once and copies dist/ to a private snapshot under .data/, so a rebuild by someone else during a long run
 * cannot pull files from under a restarting service. Node resolves node_modules from the repo root either way.
 */
export function prepareBuild({ skipBuild = false, tag = 'run', from } = {}) {
  const snapshot = join(root, '.data', 'snapshots', `${tag}-${process.pid}`);
  for (let attempt = 1; ; attempt += 1) {
    if (!skipBuild && !from) build();
    rmSync(snapshot, { recursive: true, force: true });
    mkdirSync(snapshot, { recursive: true });
    cpSync(from ?? join(root, 'dist'), join(snapshot, 'dist'), { recursive: true });
    // A rebuild running at the same moment (it starts by deleting dist/) can leave a partial copy: check, retry.
    const missing = entryPoints.filter((file) => !existsSync(join(snapshot, 'dist', file)));
    if (missing.length === 0) break;
    if (attempt >= 3 || from) throw new Error(`the build is incomplete (missing ${missing.join(', ')})`);
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 500);
  }
  return {
    distRoot: join(snapshot, 'dist'),
    dispose() {
      // Nothing started from this snapshot may outlive the run, even a process a test lost track of.
      spawnSync('pkill', ['-KILL', '-f', snapshot]);
      rmSync(snapshot, { recursive: true, force: true });
    },
  };
}

const entryPoints = [
  ...['gateway', 'auth-service', 'webhook-ingest', 'sync-service'].map((name) => `apps/${name}/src/main.js`),
  ...['auth-service', 'webhook-ingest', 'sync-service'].map((name) => `apps/${name}/src/database/migrate.js`),
];

/** The Postgres server URL (TEST_DATABASE_URL, else what `npm start` would use). */
export async function postgresServer() {
  if (process.env.TEST_DATABASE_URL) return { serverUrl: process.env.TEST_DATABASE_URL, stop: async () => {} };
  const pgInfo = await ensurePostgres('postgres');
  return { serverUrl: pgInfo.serverUrl, stop: pgInfo.stop };
}

export async function withClient(url, work) {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end().catch(() => {});
  }
}

/** A database of its own, optionally with every service's migrations applied from `distRoot`. */
export async function createDatabase(serverUrl, { prefix = 'bench', migrate = false, distRoot } = {}) {
  const name = `${prefix}_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  await withClient(serverUrl, (client) => client.query(`CREATE DATABASE "${name}"`));
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  if (migrate) migrateDatabase(url.toString(), distRoot);
  return {
    name,
    url: url.toString(),
    drop: () => withClient(serverUrl, (client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)),
  };
}

function migrateDatabase(databaseUrl, distRoot) {
  if (!distRoot || distRoot === join(root, 'dist')) return runMigrations(databaseUrl);
  const names = ['auth-service', 'webhook-ingest', 'sync-service'];
  for (const name of names) {
    const result = spawnSyncNode(join(distRoot, `apps/${name}/src/database/migrate.js`), { DATABASE_URL: databaseUrl });
    if (result.status !== 0) throw new Error(`migrations of ${name} failed:\n${result.stderr}${result.stdout}`);
  }
}

function spawnSyncNode(entry, env) {
  return spawnSync(process.execPath, [entry], { env: { ...process.env, ...env }, encoding: 'utf8' });
}

/**
 * nats-server with deploy/nats/nats.conf, as scripts/infra.mjs starts it, but with its output kept so a failure says
 * why, and an early exit (a port taken between the probe and the bind on a busy machine) noticed at once.
 */
async function spawnNats({ port, monitorPort, storeDir, passwords }) {
  const { args: configArgs } = prepareNatsConfig(join(storeDir, 'config'));
  const args = [...configArgs, '-a', '127.0.0.1', '-p', String(port)];
  if (monitorPort) args.push('-m', String(monitorPort));
  const child = spawn(natsServerBinary(), args, {
    env: { ...process.env, ...passwords, NATS_STORE_DIR: storeDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk) => (output = (output + chunk).slice(-4000));
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  living.add(child);
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline && child.exitCode === null && child.signalCode === null) {
    if (await portOpen(port)) return { url: `nats://127.0.0.1:${port}`, child, stop: () => stopChild(child) };
    await Promise.race([sleep(50), exited]);
  }
  child.kill('SIGKILL');
  living.delete(child);
  throw new Error(
    `nats-server did not listen on ${port} (exit ${child.exitCode ?? child.signalCode ?? 'none'}): ${output.trim().split('\n').slice(-3).join(' | ')}`,
  );
}

/** A free port can be taken by another process between the probe and the bind: try a few port pairs. */
async function startOnFreePorts({ monitor, storeDir, passwords }) {
  for (let attempt = 1; ; attempt += 1) {
    const port = await freePort();
    const monitorPort = monitor ? await freePort() : undefined;
    try {
      return { server: await spawnNats({ port, monitorPort, storeDir, passwords }), port, monitorPort };
    } catch (error) {
      if (attempt >= 3) throw error;
    }
  }
}

/** A nats-server of its own with the repo's permissions config; `stop(true)` is kill -9, `start()` reuses the store. */
export async function startNats({ passwords = natsPasswords({}), monitor = false } = {}) {
  const storeDir = mkdtempSync(join(tmpdir(), 'shelflink-bench-nats-'));
  const { server: first, port, monitorPort } = await startOnFreePorts({ monitor, storeDir, passwords });
  let server = first;
  const password = (user) => passwords[natsPasswordVariable(user)] ?? '';
  return {
    url: server.url,
    port,
    monitorPort,
    passwords,
    get pid() {
      return server.child.pid;
    },
    // The generated users file and pid file (prepareNatsConfig), for consumer services.
    usersFile: join(storeDir, 'config', 'generated', 'users.conf'),
    pidFile: join(storeDir, 'config', 'nats.pid'),
    envFor: (user) => ({ NATS_URL: server.url, NATS_USER: user, NATS_PASSWORD: password(user) }),
    password,
    async stop(hard = false) {
      if (hard) server.child.kill('SIGKILL');
      await server.stop();
      living.delete(server.child);
    },
    async start() {
      server = await spawnNats({ port, monitorPort, storeDir, passwords });
      living.add(server.child);
    },
    async dispose() {
      await server.stop();
      living.delete(server.child);
      rmSync(storeDir, { recursive: true, force: true });
    },
  };
}

/** Development-like variables every service accepts; tests override secrets with canaries. */
export function baseServiceEnv({ masterKey = randomBytes(32).toString('base64') } = {}) {
  return {
    LOG_LEVEL: 'info',
    SHELFLINK_MASTER_KEYS: `k1:${masterKey}`,
    SHELFLINK_ACTIVE_KEY_ID: 'k1',
    PROVIDERS_CONFIG: join(root, 'libs/providers/config/providers.sandbox.json'),
    SANDBOX_URL: 'http://127.0.0.1:9',
    PUBLIC_BASE_URL: 'http://127.0.0.1:3000',
  };
}

/** The environment of one service: NATS user and password, the database (not for the gateway) and extras. */
export function serviceEnv(name, { nats, databaseUrl, extra = {} }) {
  return {
    ...baseServiceEnv(),
    ...nats.envFor(name),
    ...(name === 'gateway' ? {} : { DATABASE_URL: databaseUrl }),
    ...extra,
  };
}

/**
 * Starts `dist/apps/<name>/src/main.js` from `distRoot` as its own process on a free port. `prefix` wraps the command
 * (taskset, faketime). Output is kept for the canary scan. Resolves once `/health/<waitFor>` answers 200.
 */
export async function startService(name, env, { distRoot, prefix = [], waitFor = 'ready', timeoutMs = 30_000 } = {}) {
  const port = Number(env.HTTP_PORT ?? (await freePort()));
  const entry = join(distRoot ?? join(root, 'dist'), `apps/${name}/src/main.js`);
  // BENCH_CPU_PROF_DIR: every service writes a V8 CPU profile there when it stops (for finding where time goes).
  const profile = process.env.BENCH_CPU_PROF_DIR
    ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF_DIR}`]
    : [];
  const argv = [...prefix, process.execPath, '--enable-source-maps', ...profile, entry];
  const started = performance.now();
  const child = spawn(argv[0], argv.slice(1), {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', ...env, HTTP_PORT: String(port), HTTP_HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  living.add(child);
  const chunks = [];
  child.stdout.on('data', (chunk) => chunks.push(chunk));
  child.stderr.on('data', (chunk) => chunks.push(chunk));
  const exit = new Promise((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal)));
  void exit.then(() => living.delete(child));
  const service = {
    name,
    port,
    url: `http://127.0.0.1:${port}`,
    child,
    startedAt: started,
    output: () => Buffer.concat(chunks).toString('utf8'),
    exited: () => exit,
    alive: () => child.exitCode === null && child.signalCode === null,
    stop: (graceMs) => stopChild(child, graceMs),
    async kill() {
      child.kill('SIGKILL');
      await exit;
    },
  };
  if (waitFor) await waitForHttp(`${service.url}/health/${waitFor}`, { exit, output: service.output, timeoutMs });
  return service;
}

/** Polls `url` until it answers 200 (every 10 ms); fails early with the output when the process exits first. */
export async function waitForHttp(url, { exit, output, timeoutMs = 30_000, intervalMs = 10 } = {}) {
  let exited = false;
  void exit?.then(() => (exited = true));
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (exited) throw new Error(`process exited before ${url} answered: ${reason(output?.())}`);
    const ok = await fetch(url, { signal: AbortSignal.timeout(2_000) }).then(
      (response) => response.status === 200,
      () => false,
    );
    if (ok) return;
    await sleep(intervalMs);
  }
  throw new Error(`${url} did not answer 200 within ${timeoutMs} ms:\n${tail(output?.())}`);
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const tail = (text = '') => text.split('\n').slice(-15).join('\n');

/** The first error a failed process logged (its JSON `msg`), cut to one readable line. */
function reason(text = '') {
  for (const line of text.split('\n')) {
    try {
      const entry = JSON.parse(line);
      if (entry.level >= 50 || entry.level === 'fatal') return String(entry.msg).split('\n')[0].slice(0, 240);
    } catch {
      // not a JSON log line
    }
  }
  return tail(text).slice(-400);
}

/** Resident set size of a process in bytes (Linux /proc), or undefined when it is gone. */
export function rssBytes(pid) {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** The four services in dependency order: the gateway's readiness needs the other three. */
export const serviceNames = ['auth-service', 'webhook-ingest', 'sync-service', 'gateway'];

/** Starts all four services against `databaseUrl` and `nats`; returns them by name. */
export async function startAll({ nats, databaseUrl, distRoot, extra = () => ({}) }) {
  const running = {};
  for (const name of serviceNames) {
    running[name] = await startService(name, serviceEnv(name, { nats, databaseUrl, extra: extra(name) }), { distRoot });
  }
  return running;
}
