// (3) Postgres connection kills: pg_terminate_backend of every backend whose application_name is a service's name,
// every 2 s for 10 s (short: 6 s), under a readiness load. Readiness must heal without a restart.
import { withClient } from '../../bench/lib/stack.mjs';
import { backgroundLoad, eventually, isReady, loadOutcome } from '../lib/traffic.mjs';

export const name = 'Postgres backend kills';

const dbServices = ['auth-service', 'webhook-ingest', 'sync-service'];

export async function run({ system, serverUrl, profile }) {
  const windowMs = profile === 'short' ? 6_000 : 10_000;
  const pids = Object.fromEntries(dbServices.map((s) => [s, system.services[s].child.pid]));
  const load = backgroundLoad(() => dbServices.map((s) => `${system.url(s)}/health/ready`));
  const terminated = Object.fromEntries(dbServices.map((s) => [s, 0]));
  const details = [];
  let pass = true;
  let tally;
  try {
    await withClient(serverUrl, async (client) => {
      for (let elapsed = 0; elapsed < windowMs; elapsed += 2_000) {
        const { rows } = await client.query(
          `SELECT application_name AS name, pg_terminate_backend(pid) AS killed FROM pg_stat_activity
            WHERE datname = $1 AND application_name = ANY($2) AND pid <> pg_backend_pid()`,
          [system.database.name, dbServices],
        );
        for (const r of rows) if (r.killed) terminated[r.name] += 1;
        await new Promise((resolve) => setTimeout(resolve, 2_000));
      }
    });
    for (const service of dbServices) {
      const ms = await eventually(() => isReady(system.url(service)), 15_000).catch(() => undefined);
      if (ms === undefined) pass = false;
      details.push(
        `${service}: ${terminated[service]} backends terminated; ${ms === undefined ? 'NOT ready 15 s after the last kill' : `ready ${Math.round(ms)} ms after the last kill`}`,
      );
    }
  } finally {
    tally = await load.stop();
  }
  for (const service of dbServices) {
    if (system.services[service].child.pid !== pids[service] || !system.services[service].alive()) {
      pass = false;
      details.push(`${service} restarted or died`);
    }
  }
  const total = Object.values(terminated).reduce((a, b) => a + b, 0);
  if (total === 0) {
    pass = false;
    details.push('no backend was found to terminate (application_name not set?)');
  }
  return loadOutcome({
    injected: `pg_terminate_backend of the services' backends (by application_name) every 2 s for ${windowMs / 1000} s: ${total} backends`,
    tally,
    pass,
    details: [
      ...details,
      `readiness load: ${tally.ok} 200, ${tally.non2xx} non-200, ${tally.failed + tally.timeouts} failed`,
    ],
  });
}
