import type { ChildProcess } from 'node:child_process';
import { startPgbouncer, type Pgbouncer } from '../../../scripts/pgbouncer.mjs';
import { freePort } from './free-port.js';

/** TEST_PGBOUNCER=1: every service a test starts reaches Postgres through pgbouncer in transaction mode. */
export const pooledRun = (): boolean => process.env.TEST_PGBOUNCER === '1';

interface Running {
  bouncer: Promise<Pgbouncer>;
  users: number;
}

// One pgbouncer per Postgres server (a test's TCP proxy in front of Postgres counts as a server of its own), kept while
// a service process uses it; the exit hook covers a test file that dies first.
const running = new Map<string, Running>();
const children = new Set<() => ChildProcess>();
process.once('exit', () => {
  for (const child of children) child().kill('SIGKILL');
});

/**
 * `databaseUrl` through a pgbouncer in transaction mode in front of its server, for one service process: the pooler
 * starts with its first user and stops when `user` (the service's exit) settles for the last one.
 */
export async function throughPgbouncer(databaseUrl: string, user: Promise<unknown>): Promise<string> {
  const server = new URL(databaseUrl);
  server.pathname = '/postgres';
  const key = server.toString();
  let entry = running.get(key);
  if (!entry) {
    entry = { bouncer: freePort().then((port) => startPgbouncer({ serverUrl: key, port })), users: 0 };
    running.set(key, entry);
  }
  const current = entry;
  current.users += 1;
  const bouncer = await current.bouncer;
  children.add(bouncer.child);
  void user.then(async () => {
    current.users -= 1;
    if (current.users > 0 || running.get(key) !== current) return;
    running.delete(key);
    children.delete(bouncer.child);
    await bouncer.stop();
  });
  return bouncer.url(databaseUrl);
}
