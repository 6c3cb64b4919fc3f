#!/usr/bin/env node
// `npm start`: the whole system on this machine with a working default. Ctrl-C stops everything it started.
// `npm run dev` (--watch): the same, with `nest build --watch` recompiling changed sources into dist/ and each process
// under `node --watch`, which restarts it when a file it imports changes.
import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import {
  build,
  ensureDependencies,
  ensurePostgres,
  log,
  natsPasswords,
  natsPasswordVariable,
  root,
  runMigrations,
  services,
  startNatsServer,
  stopChild,
} from './infra.mjs';

const started = Date.now();
const watch = process.argv.includes('--watch');
// HTTP ports are 3000-3003 (gateway first); SHELFLINK_PORT_BASE moves all four, e.g. to run beside another stack.
const portBase = Number(process.env.SHELFLINK_PORT_BASE ?? 3000);
const portOf = (service) => service.port - 3000 + portBase;
const gatewayUrl = `http://127.0.0.1:${portBase}`;
// Stopped in reverse order of start, each group in parallel: services, then NATS, then Postgres.
const running = [];
let stopping = false;

async function stopAll(code) {
  if (stopping) return;
  stopping = true;
  log('stopping…');
  for (const group of running.reverse()) await Promise.all(group.map((item) => item.stop().catch(() => {})));
  log('stopped');
  process.exit(code);
}
process.on('SIGINT', () => void stopAll(0));
process.on('SIGTERM', () => void stopAll(0));

try {
  ensureDependencies();
  build();
  const postgres = await ensurePostgres('shelflink');
  running.push([{ stop: postgres.stop }]);

  const passwords = natsPasswords();
  // The operator CLI (npx shelflink) reads these to reach the stack this command started.
  let natsUrl = process.env.NATS_URL;
  let natsFiles = {};
  if (!natsUrl) {
    const nats = await startNatsServer({
      port: Number(process.env.SHELFLINK_NATS_PORT ?? 4322),
      monitorPort: Number(process.env.SHELFLINK_NATS_MONITOR_PORT ?? 8322),
      storeDir: join(root, '.data', 'nats'),
      passwords,
    });
    running.push([{ stop: nats.stop }]);
    natsUrl = nats.url;
    natsFiles = { usersFile: nats.usersFile, pidFile: nats.pidFile };
  }
  mkdirSync(join(root, '.data'), { recursive: true });
  writeFileSync(
    join(root, '.data', 'operator.json'),
    JSON.stringify({ url: natsUrl, password: passwords[natsPasswordVariable('operator')], ...natsFiles }),
    { mode: 0o600 },
  );
  runMigrations(postgres.url);

  running.push([]);
  if (watch) await startCompileWatcher();
  const sandboxEntry = join(root, 'dist/tools/sandbox/src/main.js');
  const sandboxPort = Number(process.env.SANDBOX_PORT ?? 4600);
  if (existsSync(sandboxEntry)) {
    startProcess('sandbox', sandboxEntry, {
      SANDBOX_PORT: String(sandboxPort),
      SANDBOX_CONFIG: process.env.SANDBOX_CONFIG ?? join(root, 'tools/sandbox/sandbox.dev.json'),
    });
  }
  const dev = developmentDefaults();
  for (const service of services) {
    startProcess(service.name, join(root, `dist/apps/${service.name}/src/main.js`), {
      ...dev,
      HTTP_PORT: String(portOf(service)),
      DATABASE_URL: postgres.url,
      NATS_URL: natsUrl,
      NATS_USER: service.name,
      NATS_PASSWORD: passwords[natsPasswordVariable(service.name)],
      SANDBOX_URL: `http://127.0.0.1:${sandboxPort}`,
    });
  }
  // Every service, not only the gateway: a request made right after "ready" may need any of them.
  await Promise.all(services.map((service) => waitReady(`http://127.0.0.1:${portOf(service)}/health/ready`, 60_000)));
  if (existsSync(sandboxEntry)) await waitReady(`http://127.0.0.1:${sandboxPort}/_admin/apps`, 60_000);
  log(`ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  log(`gateway        ${gatewayUrl}  (API docs: /docs, health: /health/ready, metrics: /metrics)`);
  log(`console        ${gatewayUrl}/console/  (sign in with the admin API key below)`);
  for (const service of services.filter((s) => s.name !== 'gateway')) {
    log(`${service.name.padEnd(14)} http://127.0.0.1:${portOf(service)}/health/ready`);
  }
  if (existsSync(sandboxEntry)) log(`sandbox        http://127.0.0.1:${sandboxPort}  (simulated providers)`);
  log(`nats           ${natsUrl}   postgres ${postgres.url}`);
  log(`admin API key (tenant ${dev.SHELFLINK_BOOTSTRAP_TENANT_ID}): ${dev.SHELFLINK_BOOTSTRAP_API_KEY}`);
  const consumer = await demoConsumer(dev.SHELFLINK_BOOTSTRAP_TENANT_ID);
  log(`consumer service (tenant ${dev.SHELFLINK_BOOTSTRAP_TENANT_ID}, .data/demo-consumer.json): ${consumer}`);
  log(
    watch
      ? 'watching sources: a change restarts the services that import it. Ctrl-C stops everything.'
      : 'Ctrl-C stops everything.',
  );
} catch (error) {
  log(`start failed: ${error instanceof Error ? error.message : String(error)}`);
  await stopAll(1);
}

/**
 * The working local default: the sandbox provider config, a development master key and an admin key for a demo
 * tenant, kept in the git-ignored .data/ so restarts can read what earlier runs encrypted. Each can be overridden by env.
 */
function developmentDefaults() {
  const dataDir = join(root, '.data');
  mkdirSync(dataDir, { recursive: true });
  const persisted = (file, make) => {
    const path = join(dataDir, file);
    if (!existsSync(path)) writeFileSync(path, make(), { mode: 0o600 });
    return readFileSync(path, 'utf8').trim();
  };
  const tenant = process.env.SHELFLINK_BOOTSTRAP_TENANT_ID ?? 'demo';
  return {
    PROVIDERS_CONFIG: process.env.PROVIDERS_CONFIG ?? join(root, 'libs/providers/config/providers.sandbox.json'),
    PUBLIC_BASE_URL: process.env.PUBLIC_BASE_URL ?? gatewayUrl,
    SHELFLINK_MASTER_KEYS:
      process.env.SHELFLINK_MASTER_KEYS ??
      `dev1:${persisted('dev-master-key', () => randomBytes(32).toString('base64'))}`,
    SHELFLINK_ACTIVE_KEY_ID: process.env.SHELFLINK_ACTIVE_KEY_ID ?? 'dev1',
    SHELFLINK_BOOTSTRAP_TENANT_ID: tenant,
    // Installs from the Shopify admin (the sandbox's too) land in the demo tenant.
    SHELFLINK_SHOPIFY_INSTALL_TENANT: process.env.SHELFLINK_SHOPIFY_INSTALL_TENANT ?? tenant,
    SHELFLINK_BOOTSTRAP_API_KEY:
      process.env.SHELFLINK_BOOTSTRAP_API_KEY ??
      persisted('dev-api-key', () => `slk_${randomBytes(32).toString('base64url')}`),
  };
}

/**
 * The demo tenant's consumer service, `demo-consumer` (docs/consumer-services.md): its credentials are kept in
 * .data/demo-consumer.json like the admin API key, and its NATS user is rendered anew on every start (the users
 * template may have changed). Made again when the file or the service is missing. Resolves with the credentials JSON.
 */
async function demoConsumer(tenantId) {
  const file = join(root, '.data', 'demo-consumer.json');
  const cli = async (...args) =>
    (await promisify(execFile)(process.execPath, [join(root, 'bin/shelflink.mjs'), ...args], { cwd: root })).stdout;
  const { services } = JSON.parse(await cli('services', 'list'));
  const known = services.some((service) => service.name === 'demo-consumer');
  if (known && existsSync(file)) {
    await cli('services', 'render');
    return readFileSync(file, 'utf8').trim();
  }
  if (known) await cli('services', 'remove', 'demo-consumer');
  const credentials = JSON.stringify(JSON.parse(await cli('services', 'add', 'demo-consumer', '--tenant', tenantId)));
  writeFileSync(file, `${credentials}\n`, { mode: 0o600 });
  return credentials;
}

function startProcess(name, entry, env) {
  const child = spawn(process.execPath, [...(watch ? ['--watch'] : []), '--enable-source-maps', entry], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  prefixOutput(name, child);
  supervise(name, child);
}

/** Stopped with the group being started; when it exits on its own, everything stops. */
function supervise(name, child) {
  child.once('exit', (code, signal) => {
    if (!stopping) {
      log(`${name} exited (${signal ?? code}); stopping the rest`);
      void stopAll(1);
    }
  });
  running.at(-1).push({ stop: () => stopChild(child) });
}

function prefixOutput(name, child, onLine = () => {}) {
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on('line', (line) => {
      process.stdout.write(`[${name}] ${readable(line)}\n`);
      onLine(line);
    });
  }
}

/** `nest build --watch` (nest-cli.json: swc into dist/); resolves once its first compile has finished. */
function startCompileWatcher() {
  const nest = join(root, 'node_modules', '@nestjs', 'cli', 'bin', 'nest.js');
  const child = spawn(process.execPath, [nest, 'build', '--watch'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  supervise('nest build --watch', child);
  return new Promise((resolve) =>
    prefixOutput('build', child, (line) => {
      if (/Successfully compiled/.test(line)) resolve();
    }),
  );
}

/** Shows JSON log lines as "LEVEL message" for people; anything else as it came. */
function readable(line) {
  try {
    const entry = JSON.parse(line);
    const level =
      { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warn', 50: 'error', 60: 'fatal' }[entry.level] ?? entry.level;
    return `${String(level).toUpperCase().padEnd(5)} ${entry.msg ?? line}`;
  } catch {
    return line;
  }
}

async function waitReady(url, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const ok = await fetch(url)
      .then((response) => response.ok)
      .catch(() => false);
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${url} not ready after ${timeoutMs / 1000} s`);
}
