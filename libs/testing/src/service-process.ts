import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { root, runMigrations, stopChild } from '../../../scripts/infra.mjs';
import { freePort } from './free-port.js';
import { pooledRun, throughPgbouncer } from './test-pgbouncer.js';

/** A built service (dist/) running as its own process, with everything it printed kept for assertions. */
export interface ServiceProcess {
  readonly name: string;
  readonly url: string;
  readonly child: ChildProcess;
  output(): string;
  /** Resolves with the exit code (or signal) once the process has ended. */
  exited(): Promise<number | string>;
  stop(): Promise<void>;
  kill(): Promise<void>;
}

export type ServiceName = 'gateway' | 'auth-service' | 'webhook-ingest' | 'sync-service';

// Children left running when a test file dies (a failed hook, a crash) are killed with the worker.
const livingChildren = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of livingChildren) child.kill('SIGKILL');
});

/**
 * Starts `dist/apps/<name>/src/main.js` on a free port; `waitReady` waits for /health/live. Under TEST_PGBOUNCER=1
 * its DATABASE_URL goes through pgbouncer in transaction mode (the pooled e2e subset).
 */
export async function startService(
  name: ServiceName,
  env: Record<string, string>,
  options: { waitReady?: boolean } = {},
): Promise<ServiceProcess> {
  const port = Number(env.HTTP_PORT ?? (await freePort()));
  let release = (): void => undefined;
  const released = new Promise<void>((resolve) => (release = resolve));
  const pooled =
    pooledRun() && env.DATABASE_URL !== undefined
      ? { DATABASE_URL: await throughPgbouncer(env.DATABASE_URL, released) }
      : {};
  const child = spawn(process.execPath, ['--enable-source-maps', join(root, `dist/apps/${name}/src/main.js`)], {
    env: {
      PATH: process.env.PATH ?? '',
      LOG_LEVEL: 'info',
      ...env,
      ...pooled,
      HTTP_PORT: String(port),
      HTTP_HOST: '127.0.0.1',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  livingChildren.add(child);
  child.once('exit', () => livingChildren.delete(child));
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exit = new Promise<number | string>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)),
  );
  void exit.then(release);
  const service: ServiceProcess = {
    name,
    url: `http://127.0.0.1:${port}`,
    child,
    output: () => output,
    exited: () => exit,
    stop: () => stopChild(child),
    async kill() {
      child.kill('SIGKILL');
      await exit;
    },
  };
  if (options.waitReady !== false) await waitForHttp(`${service.url}/health/live`, exit, () => output);
  return service;
}

/** Polls until `url` answers 2xx; fails early with the process output when the process exits first. */
export async function waitForHttp(
  url: string,
  exit?: Promise<unknown>,
  output?: () => string,
  timeoutMs = 30_000,
): Promise<void> {
  let exited = false;
  void exit?.then(() => (exited = true));
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (exited) throw new Error(`process exited before ${url} answered:\n${output?.() ?? ''}`);
    const ok = await fetch(url).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms:\n${output?.() ?? ''}`);
}

/** Polls `probe` until it returns true (bounded); for eventually-true conditions, never for timing assertions. */
export async function eventually(
  probe: () => Promise<boolean> | boolean,
  timeoutMs = 20_000,
  intervalMs = 100,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await probe()) return;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  throw new Error(`condition not met within ${timeoutMs} ms`);
}

/** Applies every service's migrations to a test database (built migrations in dist/). */
export function migrateAll(databaseUrl: string): void {
  runMigrations(databaseUrl);
}
