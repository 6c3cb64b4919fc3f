// Floor for webhook intake: what bare Fastify + HMAC verify + one durable INSERT ... ON CONFLICT DO NOTHING achieves
// here, under the same autocannon load (unique signed events, 50 senders) the webhook bench uses.
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { cpuMeter } from '../lib/cpu-time.mjs';
import { runLoad } from '../lib/loadgen.mjs';
import { median } from '../lib/stats.mjs';

const here = dirname(fileURLToPath(import.meta.url));

/**
 * Returns the medians over `rounds`: `{ acceptedPerSecond, p50Ms, p99Ms, non2xx, cpuMicrosPerRequest, rounds }`. The
 * server runs as its own process (inheriting this process's cpu pinning); load comes from runLoad (pinned apart unless `pinned` is false).
 * `cpuMicrosPerRequest` is the CPU the server and Postgres (`databaseName`) spent per accepted request. A warm-up load of
 * `warmupSeconds` first, uncounted, compares it with a warmed-up service.
 */
export async function fastifyHmacInsertFloor({
  databaseUrl,
  databaseName,
  connections = 50,
  durationSeconds = 10,
  bodyBytes = 1500,
  rounds = 3,
  secret = 'bench-secret',
  pinned = true,
  warmupSeconds = 0,
}) {
  const server = await startFloorServer({ DATABASE_URL: databaseUrl, SECRET: secret });
  try {
    const load = (duration) =>
      runLoad({
        url: `http://127.0.0.1:${server.port}`,
        connections,
        duration,
        requestModule: join(here, 'signed-requests.mjs'),
        requestOptions: { path: '/webhook', secret, bodyBytes },
        pinned,
      });
    if (warmupSeconds > 0) await load(warmupSeconds);
    const results = [];
    const cpu = cpuMeter({ pids: () => [server.pid], database: databaseName });
    for (let round = 0; round < rounds; round += 1) {
      const result = await load(durationSeconds);
      results.push({ ...result, acceptedPerSecond: (result.requests - result.non2xx) / result.durationSeconds });
    }
    const accepted = results.reduce((sum, r) => sum + r.requests - r.non2xx, 0);
    return {
      cpuMicrosPerRequest: (cpu.stop() * 1e6) / accepted,
      acceptedPerSecond: median(results.map((r) => r.acceptedPerSecond)),
      p50Ms: median(results.map((r) => r.p50Ms)),
      p99Ms: median(results.map((r) => r.p99Ms)),
      non2xx: results.reduce((sum, r) => sum + r.non2xx + r.errors, 0),
      rounds: results,
    };
  } finally {
    await server.stop();
  }
}

async function startFloorServer(env) {
  const child = spawn(process.execPath, [join(here, 'fastify-hmac-insert.server.mjs')], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout });
    lines.once('line', (line) => resolve(JSON.parse(line).port));
    child.once('exit', (code) => reject(new Error(`floor server exited (${code})`)));
  });
  return {
    port,
    pid: child.pid,
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', resolve);
        child.kill('SIGTERM');
      }),
  };
}
