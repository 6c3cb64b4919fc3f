// A Postgres cluster of the chaos run's own (initdb in a temp dir, its own port), so the suite may crash it with
// `pg_ctl stop -m immediate` without touching the machine's shared server. As root, it runs as the postgres user.
import { spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../bench/lib/stack.mjs';

function binDir() {
  const result = spawnSync('pg_config', ['--bindir'], { encoding: 'utf8' });
  const dir = result.status === 0 ? result.stdout.trim() : '';
  return dir && existsSync(join(dir, 'initdb')) ? dir : undefined;
}

/** Starts a private cluster; `{ why }` when this machine cannot (no initdb, or root without a postgres user). */
export async function startPrivatePostgres() {
  const bin = binDir();
  if (!bin) return { why: 'initdb/pg_ctl not found (pg_config --bindir)' };
  const asRoot = userInfo().uid === 0;
  const owner = asRoot ? spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' }) : undefined;
  if (asRoot && owner.status !== 0) return { why: 'running as root and there is no postgres user to own a cluster' };
  const dir = mkdtempSync(join(tmpdir(), 'shelflink-chaos-pg-'));
  if (asRoot) chownSync(dir, Number(owner.stdout.trim()), Number(owner.stdout.trim()));
  const run = (tool, args) => {
    const argv = asRoot ? ['runuser', '-u', 'postgres', '--', join(bin, tool), ...args] : [join(bin, tool), ...args];
    return spawnSync(argv[0], argv.slice(1), { encoding: 'utf8', timeout: 60_000 });
  };
  const data = join(dir, 'data');
  const init = run('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync']);
  if (init.status !== 0) return { why: `initdb failed: ${init.stderr.trim().split('\n').at(-1)}` };
  const port = await freePort();
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1`;
  const start = () => {
    const result = run('pg_ctl', ['-D', data, '-o', options, '-l', join(dir, 'log'), '-w', 'start']);
    if (result.status !== 0) throw new Error(`pg_ctl start failed: ${result.stderr || result.stdout}`);
  };
  start();
  // Never leave the cluster running when the suite dies half-way.
  const cleanup = () => run('pg_ctl', ['-D', data, '-m', 'immediate', 'stop']);
  process.once('exit', cleanup);
  return {
    serverUrl: `postgres://postgres@127.0.0.1:${port}/postgres`,
    start,
    /** The crash: immediate shutdown, no checkpoint, clients cut. */
    crash: () => run('pg_ctl', ['-D', data, '-m', 'immediate', 'stop']),
    dispose() {
      process.removeListener('exit', cleanup);
      run('pg_ctl', ['-D', data, '-m', 'fast', 'stop']);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
