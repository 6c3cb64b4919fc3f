// pgbouncer in transaction pooling mode in front of one database, as a child process with a generated config on a
// free loopback port. It refuses to run as root, so as root it runs as `nobody`.
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitForPort } from '../../scripts/infra.mjs';
import { freePort, stopChild, track } from '../../bench/lib/stack.mjs';

const nobody = 65_534;

export async function startPgbouncer(binary, databaseUrl, { poolSize = 1 } = {}) {
  const target = new URL(databaseUrl);
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'shelflink-pgbouncer-'));
  chmodSync(dir, 0o755);
  const login = [
    `host=${target.hostname}`,
    `port=${target.port || 5432}`,
    `dbname=${target.pathname.slice(1)}`,
    `user=${decodeURIComponent(target.username)}`,
    ...(target.password ? [`password=${decodeURIComponent(target.password)}`] : []),
  ].join(' ');
  const config = join(dir, 'pgbouncer.ini');
  writeFileSync(
    config,
    [
      '[databases]',
      `pooled = ${login}`,
      '[pgbouncer]',
      'listen_addr = 127.0.0.1',
      `listen_port = ${port}`,
      'unix_socket_dir =',
      'auth_type = any',
      'pool_mode = transaction',
      `default_pool_size = ${poolSize}`,
      'max_client_conn = 20',
      'ignore_startup_parameters = extra_float_digits,options',
      '',
    ].join('\n'),
    { mode: 0o644 },
  );
  const asRoot = process.getuid?.() === 0;
  const output = [];
  const child = track(
    spawn(binary, [config], { stdio: ['ignore', 'pipe', 'pipe'], ...(asRoot ? { uid: nobody, gid: nobody } : {}) }),
  );
  child.stdout.on('data', (chunk) => output.push(chunk));
  child.stderr.on('data', (chunk) => output.push(chunk));
  await waitForPort(port, '127.0.0.1', 10_000).catch((error) => {
    child.kill('SIGKILL');
    throw new Error(`pgbouncer did not listen: ${error.message} ${Buffer.concat(output).toString().slice(-400)}`);
  });
  return {
    url: `postgres://pooled@127.0.0.1:${port}/pooled`,
    output: () => Buffer.concat(output).toString('utf8'),
    async stop() {
      await stopChild(child, 3_000);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
