// (4) SIGTERM during load: the process exits within 10 s and every request in flight at the signal either completes or
// fails (non-2xx or a closed connection); none hangs. The service is restarted for the tests that follow.
import { serviceNames } from '../../bench/lib/stack.mjs';
import { backgroundLoad, eventually, isReady } from '../lib/traffic.mjs';

export const name = 'SIGTERM under load';

/** SIGTERM one service under 16 concurrent requests; returns how it exited and how the in-flight requests ended. */
async function terminateUnderLoad(system, service, rng) {
  const url = system.url(service);
  const load = backgroundLoad(() => [`${url}/health/ready`, `${url}/health/live`, `${url}/metrics`], {
    concurrency: 16,
    pauseMs: 5,
    timeoutMs: 15_000,
  });
  await new Promise((resolve) => setTimeout(resolve, rng.int(500, 1_500)));
  const proc = system.services[service];
  const inFlight = load.inFlight();
  const started = performance.now();
  proc.child.kill('SIGTERM');
  const stopped = load.stop();
  const code = await Promise.race([proc.exited(), new Promise((resolve) => setTimeout(() => resolve('hung'), 15_000))]);
  const exitMs = performance.now() - started;
  const outcomes = await Promise.all(inFlight);
  await stopped;
  if (code === 'hung') await proc.kill();
  const tally = { sent: outcomes.length, ok: 0, non2xx: 0, closed: 0, hung: 0 };
  for (const { status } of outcomes) {
    if (typeof status === 'number') tally[status < 300 ? 'ok' : 'non2xx'] += 1;
    else tally[status === 'timeout' ? 'hung' : 'closed'] += 1;
  }
  return { code, exitMs, tally };
}

export async function run({ system, rng, profile }) {
  const targets =
    profile === 'short' ? ['gateway', rng.pick(serviceNames.filter((s) => s !== 'gateway'))] : serviceNames;
  const details = [];
  let pass = true;
  const totals = { sent: 0, ok: 0, non2xx: 0, closed: 0, hung: 0 };
  for (const service of targets) {
    const { code, exitMs, tally } = await terminateUnderLoad(system, service, rng);
    for (const key of Object.keys(totals)) totals[key] += tally[key];
    if (code === 'hung' || exitMs >= 10_000 || tally.hung > 0) pass = false;
    details.push(
      `${service}: exit ${code} after ${Math.round(exitMs)} ms; ${tally.sent} requests in flight at the signal: ${tally.ok} 2xx, ${tally.non2xx} non-2xx, ${tally.closed} closed, ${tally.hung} hung`,
    );
    await system.start(service, { waitFor: false });
    await eventually(() => isReady(system.url(service)), 30_000);
  }
  await eventually(() => isReady(system.url('gateway')), 30_000);
  return {
    injected: `SIGTERM of ${targets.join(', ')} with 16 requests in flight each; restart after exit`,
    requests: totals.sent,
    ok: totals.ok,
    lost: 0,
    unknown: totals.non2xx + totals.closed,
    duplicated: 0,
    pass,
    details: [
      ...details,
      'must hold: exit < 10 s, no request left hanging (health/metrics have no durable effect, so none can be lost)',
    ],
  };
}
