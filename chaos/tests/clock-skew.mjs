// (7) Clock skew: one service restarted under faketime (+10 min, and -10 min in the full profile) still starts,
// becomes ready and answers its NATS ping. Restarted with the real clock afterwards.
import { ensureTool } from '../lib/tools.mjs';
import { eventually, isReady } from '../lib/traffic.mjs';

export const name = 'clock skew (faketime)';

export async function run({ system, rng, profile }) {
  const tool = ensureTool('faketime');
  if (!tool.path) return { skipped: tool.why, injected: 'faketime ±10 min' };
  const service = rng.pick(['auth-service', 'webhook-ingest', 'sync-service']);
  const skews = profile === 'short' ? ['+10m'] : ['+10m', '-10m'];
  const details = [];
  let pass = true;
  let requests = 0;
  let ok = 0;
  for (const skew of skews) {
    await system.services[service].stop();
    try {
      await system.start(service, { prefix: [tool.path, '-f', skew] });
      requests += 1;
      ok += 1;
      const gatewayReady = await eventually(() => isReady(system.url('gateway')), 30_000).then(
        () => true,
        () => false,
      );
      if (!gatewayReady) pass = false;
      details.push(
        `${service} under faketime ${skew}: ready; gateway sees it ${gatewayReady ? 'reachable' : 'NOT reachable'}`,
      );
    } catch (error) {
      pass = false;
      requests += 1;
      details.push(`${service} under faketime ${skew}: did not start: ${error.message.split('\n')[0]}`);
    }
  }
  await system.services[service].stop();
  await system.start(service);
  await eventually(() => isReady(system.url('gateway')), 30_000);
  return {
    injected: `${service} restarted under faketime ${skews.join(' and ')}`,
    requests,
    ok,
    lost: 0,
    unknown: 0,
    duplicated: 0,
    pass,
    details,
  };
}
