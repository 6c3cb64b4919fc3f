// (6) Overload: stress-ng saturates every cpu while a health load runs against all services. Nothing may crash and
// readiness must be 200 once the stress ends.
import { spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { serviceNames } from '../../bench/lib/stack.mjs';
import { ensureTool } from '../lib/tools.mjs';
import { backgroundLoad, eventually, isReady, loadOutcome } from '../lib/traffic.mjs';

export const name = 'overload (stress-ng)';

export async function run({ system, profile }) {
  const tool = ensureTool('stress-ng');
  if (!tool.path) return { skipped: tool.why, injected: 'stress-ng --cpu N' };
  const seconds = profile === 'short' ? 8 : 60;
  const cpus = availableParallelism();
  const stress = spawn(
    tool.path,
    ['--cpu', String(cpus), '--vm', '1', '--vm-bytes', '256M', '--timeout', `${seconds}s`, '--quiet'],
    { stdio: 'ignore' },
  );
  const load = backgroundLoad(() => serviceNames.map((s) => `${system.url(s)}/health/ready`), {
    concurrency: 16,
    pauseMs: 0,
    timeoutMs: 15_000,
  });
  await new Promise((resolve) => stress.once('exit', resolve));
  const tally = await load.stop();
  const dead = serviceNames.filter((s) => !system.services[s].alive());
  const recovered = await Promise.all(
    serviceNames.map((s) =>
      eventually(() => isReady(system.url(s)), 20_000).then(
        () => true,
        () => false,
      ),
    ),
  );
  const pass = dead.length === 0 && recovered.every(Boolean);
  return loadOutcome({
    injected: `stress-ng --cpu ${cpus} --vm 1 --vm-bytes 256M for ${seconds} s while 16 concurrent readiness requests run`,
    tally,
    pass,
    details: [
      `load: ${tally.ok} 200, ${tally.non2xx} non-200 (503 is allowed shedding), ${tally.failed} failed, ${tally.timeouts} timeouts`,
      `crashed: ${dead.length ? dead.join(', ') : 'none'}; ready afterwards: ${recovered.filter(Boolean).length}/${serviceNames.length}`,
    ],
  });
}
