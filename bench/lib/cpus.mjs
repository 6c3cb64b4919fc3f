// Keeps the load generator off the cores the measured processes use, where the machine has cores to spare.
import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';

const hasTaskset = spawnSync('taskset', ['-V'], { stdio: 'ignore' }).status === 0;

/** `{ server, loadgen }` command prefixes (taskset -c …) and a description; empty prefixes when pinning is impossible. */
export function cpuPlan(env = process.env) {
  if (env.BENCH_SERVER_CPUS && env.BENCH_LOADGEN_CPUS && hasTaskset) {
    return plan(env.BENCH_SERVER_CPUS, env.BENCH_LOADGEN_CPUS);
  }
  const cores = availableParallelism();
  if (!hasTaskset || cores < 2 || env.BENCH_NO_PIN === '1') {
    return {
      server: [],
      loadgen: [],
      serverCpus: '',
      loadgenCpus: '',
      note: 'not pinned (taskset missing or < 2 cores)',
    };
  }
  const last = cores - 1;
  return plan(last === 1 ? '0' : `0-${last - 1}`, String(last));
}

function plan(serverCpus, loadgenCpus) {
  return {
    server: ['taskset', '-c', serverCpus],
    loadgen: ['taskset', '-c', loadgenCpus],
    serverCpus,
    loadgenCpus,
    note: `services and floors on cpu ${serverCpus}, load generator on cpu ${loadgenCpus}`,
  };
}
