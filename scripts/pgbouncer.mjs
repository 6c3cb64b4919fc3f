// Debian's pgbouncer in front of one Postgres server, on a loopback port with a generated ini in a temp dir: the
// one rig the pooled e2e subset (libs/testing, TEST_PGBOUNCER=1) and the chaos tests use. Every database name passes
// through (a `*` entry), so a URL keeps its database and only changes host and port. pgbouncer refuses to run as
// root, so as root it runs as `nobody`.
import { spawn } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stopChild, waitForPort } from './infra.mjs';

const nobody = 65_534;

/** Debian's binary (apt package `pgbouncer`), or one on PATH; undefined when neither exists. */
export function pgbouncerBinary() {
  const dirs = ['/usr/sbin', ...(process.env.PATH ?? '').split(':').filter(Boolean)];
  return dirs.map((dir) => join(dir, 'pgbouncer')).find((path) => existsSync(path));
}

function ini({ serverUrl, port, mode, poolSize }) {
  const server = new URL(serverUrl);
  const login = [
    `host=${server.hostname}`,
    `port=${server.port || 5432}`,
    `user=${decodeURIComponent(server.username || 'postgres')}`,
    ...(server.password ? [`password=${decodeURIComponent(server.password)}`] : []),
  ].join(' ');
  return [
    '[databases]',
    // Any database name the client asks for, logged in as the server URL's user (auth_type any: trust on loopback).
    `* = ${login}`,
    '[pgbouncer]',
    'listen_addr = 127.0.0.1',
    `listen_port = ${port}`,
    'unix_socket_dir =',
    'auth_type = any',
    `pool_mode = ${mode}`,
    `default_pool_size = ${poolSize}`,
    'max_client_conn = 500',
    // Fail a waiting client within the services' own query timeout (10 s), and retry a lost server soon.
    'query_wait_timeout = 10',
    'server_login_retry = 1',
    'server_connect_timeout = 3',
    // node-postgres may send these; pgbouncer 1.18 cannot track them per transaction.
    'ignore_startup_parameters = extra_float_digits,options',
    '',
  ].join('\n');
}

/**
 * Starts pgbouncer (`mode` transaction by default) on `port` in front of the server of `serverUrl`.
 * `url(databaseUrl)` is that database through the pooler; `restart()` kills it (kill -9) and starts it again on the
 * same port, after `downMs`.
 */
export async function startPgbouncer({
  serverUrl,
  binary = pgbouncerBinary(),
  mode = 'transaction',
  poolSize = 20,
  port: listenPort,
}) {
  if (!binary) throw new Error('pgbouncer is not installed (apt-get install pgbouncer; .ci/run does)');
  const dir = mkdtempSync(join(tmpdir(), 'shelflink-pgbouncer-'));
  chmodSync(dir, 0o755);
  const config = join(dir, 'pgbouncer.ini');
  // The ini may hold the server's password: readable by pgbouncer's user only.
  writeFileSync(config, ini({ serverUrl, port: listenPort, mode, poolSize }), { mode: 0o600 });
  const asRoot = process.getuid?.() === 0;
  if (asRoot) chownSync(config, nobody, nobody);
  const output = [];
  let child;
  const spawnBouncer = async () => {
    child = spawn(binary, [config], {
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(asRoot ? { uid: nobody, gid: nobody } : {}),
    });
    child.stdout.on('data', (chunk) => output.push(chunk));
    child.stderr.on('data', (chunk) => output.push(chunk));
    await waitForPort(listenPort, '127.0.0.1', 10_000).catch((error) => {
      child.kill('SIGKILL');
      throw new Error(`pgbouncer did not listen: ${error.message} ${Buffer.concat(output).toString().slice(-400)}`);
    });
    return child;
  };
  await spawnBouncer();
  return {
    port: listenPort,
    mode,
    child: () => child,
    url(databaseUrl) {
      const through = new URL(databaseUrl);
      through.hostname = '127.0.0.1';
      through.port = String(listenPort);
      through.password = '';
      return through.toString();
    },
    output: () => Buffer.concat(output).toString('utf8'),
    async restart({ downMs = 0 } = {}) {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGKILL');
        await exited;
      }
      await new Promise((resolve) => setTimeout(resolve, downMs));
      return spawnBouncer();
    },
    async stop() {
      await stopChild(child, 3_000);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
