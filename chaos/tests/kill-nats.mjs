// (2) kill -9 of nats-server, down for a seeded 2–20 s, restarted with the same store: every service reconnects
// without a restart and answers its ping over NATS again.
import { connect } from '@nats-io/transport-node';
import { serviceNames } from '../../bench/lib/stack.mjs';
import { backgroundLoad, eventually, isReady, loadOutcome } from '../lib/traffic.mjs';

export const name = 'kill -9 nats-server';

const pingSubjects = {
  'auth-service': 'auth.ping.v1',
  'webhook-ingest': 'webhook.ping.v1',
  'sync-service': 'sync.ping.v1',
  gateway: 'gateway.ping.v1',
};

export async function run({ system, rng, profile }) {
  const downMs = profile === 'short' ? rng.int(2_000, 5_000) : rng.int(5_000, 20_000);
  const pidsBefore = Object.fromEntries(serviceNames.map((s) => [s, system.services[s].child.pid]));
  const load = backgroundLoad(() => serviceNames.map((s) => `${system.url(s)}/health/ready`));
  const details = [];
  let pass = true;
  let tally;
  try {
    await system.nats.stop(true);
    await eventually(async () => !(await isReady(system.url('gateway'))), 10_000).catch(() =>
      details.push('gateway stayed ready while NATS was down (unexpected)'),
    );
    await new Promise((resolve) => setTimeout(resolve, downMs));
    await system.nats.start();
    for (const service of serviceNames) {
      const ms = await eventually(() => isReady(system.url(service)), 30_000).catch(() => undefined);
      if (ms === undefined) pass = false;
      details.push(
        `${service}: ${ms === undefined ? 'NOT ready within 30 s' : `ready ${Math.round(ms)} ms after the restart`}`,
      );
    }
  } finally {
    tally = await load.stop();
  }
  const restarted = serviceNames.filter(
    (s) => system.services[s].child.pid !== pidsBefore[s] || !system.services[s].alive(),
  );
  if (restarted.length) {
    pass = false;
    details.push(`processes restarted or died: ${restarted.join(', ')}`);
  }
  const pings = await pingAll(system);
  if (pings.failed.length) pass = false;
  details.push(
    `NATS pings after recovery: ${pings.ok.length}/${serviceNames.length} answered${pings.failed.length ? ` (no answer: ${pings.failed.join(', ')})` : ''}`,
  );
  return loadOutcome({
    injected: `SIGKILL nats-server, down ${(downMs / 1000).toFixed(1)} s, restart with the same JetStream store`,
    tally,
    pass,
    extra: { requests: serviceNames.length, ok: pings.ok.length },
    details: [
      ...details,
      `readiness load: ${tally.ok} 200, ${tally.non2xx} 503 (expected while NATS is down), ${tally.failed + tally.timeouts} failed`,
    ],
  });
}

/** Each service's ping subject, as the operator user (eventually: clients reconnect on their own schedule). */
async function pingAll(system) {
  const operator = await connect({
    servers: system.nats.url,
    user: 'operator',
    pass: system.nats.password('operator'),
    inboxPrefix: '_INBOX_operator',
  });
  const ok = [];
  const failed = [];
  try {
    for (const service of serviceNames) {
      const answered = await eventually(async () => {
        try {
          await operator.request(pingSubjects[service], '{}', { timeout: 2_000 });
          return true;
        } catch {
          return false;
        }
      }, 20_000).then(
        () => true,
        () => false,
      );
      (answered ? ok : failed).push(service);
    }
  } finally {
    await operator.close();
  }
  return { ok, failed };
}
