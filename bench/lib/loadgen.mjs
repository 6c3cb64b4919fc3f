// HTTP load from a separate process: autocannon (node_modules/autocannon) in a child pinned to the load-generator cpu.
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cpuPlan } from './cpus.mjs';

const childEntry = join(dirname(fileURLToPath(import.meta.url)), 'loadgen-child.mjs');

/**
 * Runs autocannon against `url` and resolves with a summary:
 * `{ requests, requestsPerSecond, p50Ms, p90Ms, p99Ms, maxMs, non2xx, errors, timeouts, statusCodes, durationSeconds }`.
 * `requestModule` (absolute path) may export `makeRequests(requestOptions)` returning autocannon `requests`
 * (use it for unique signed bodies; functions cannot cross the process boundary). `pinned: false` runs it on any cpu.
 */
export function runLoad({ pinned = true, ...options }) {
  const pin = pinned ? cpuPlan().loadgen : [];
  const argv = [...pin, process.execPath, childEntry, JSON.stringify(options)];
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0], argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.once('error', reject);
    child.once('exit', (code) => {
      const last = stdout.trim().split('\n').at(-1);
      if (code !== 0 || !last) return reject(new Error(`load generator failed (${code}): ${stderr.slice(-2000)}`));
      resolve(JSON.parse(last));
    });
  });
}
