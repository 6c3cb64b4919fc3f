// (1) kill -9 of each service under a load of health and ping requests, then a restart on the same port.
import { serviceNames } from '../../bench/lib/stack.mjs';
import { backgroundLoad, eventually, isReady, loadOutcome } from '../lib/traffic.mjs';

export const name = 'kill -9 each service';

export async function run({ system, rng, profile }) {
  const kills = profile === 'short' ? 1 : 3;
  const details = [];
  let pass = true;
  let tally;
  const load = backgroundLoad(() =>
    serviceNames.flatMap((s) => [`${system.url(s)}/health/live`, `${system.url(s)}/health/ready`]),
  );
  try {
    for (let round = 0; round < kills; round += 1) {
      for (const service of serviceNames) {
        await new Promise((resolve) => setTimeout(resolve, rng.int(300, 1_500)));
        const old = system.services[service];
        await old.kill();
        try {
          await system.start(service, { waitFor: false });
          const recoveredMs = await eventually(() => isReady(system.url(service)), 30_000);
          await eventually(() => isReady(system.url('gateway')), 30_000);
          details.push(
            `${service}: killed pid ${old.child.pid}, restarted on port ${system.ports[service]}, ready after ${Math.round(recoveredMs)} ms`,
          );
        } catch (error) {
          pass = false;
          details.push(`${service}: did not recover: ${error.message.split('\n')[0]}`);
        }
      }
    }
  } finally {
    tally = await load.stop();
  }
  return loadOutcome({
    injected: `SIGKILL of each of the ${serviceNames.length} services ${kills}× (seeded 0.3–1.5 s apart) under 8 concurrent health requests; restart on the same port`,
    tally,
    pass,
    details: [
      ...details,
      `load: ${tally.ok} 2xx, ${tally.non2xx} non-2xx, ${tally.failed} refused/reset, ${tally.timeouts} timeouts (expected while a process is down; health requests have no durable effect, so none can be lost)`,
    ],
  });
}
