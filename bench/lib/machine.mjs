// What the figures were measured on: cpu, cores, memory and the versions of node, nats-server and Postgres.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism, cpus, totalmem } from 'node:os';
import { natsServerBinary } from '../../scripts/infra.mjs';
import { withClient } from './stack.mjs';

export async function describeMachine(serverUrl) {
  return {
    cpu: cpuModel(),
    cores: availableParallelism(),
    memoryGiB: Number((totalmem() / 2 ** 30).toFixed(1)),
    node: process.version,
    natsServer: natsVersion(),
    postgres: await withClient(
      serverUrl,
      async (client) => (await client.query('SHOW server_version')).rows[0].server_version,
    ).catch(() => 'unknown'),
    kernel: readFirst('/proc/sys/kernel/osrelease'),
    date: new Date().toISOString(),
  };
}

function cpuModel() {
  const model = cpus()[0]?.model?.trim();
  return model || 'unknown';
}

function natsVersion() {
  try {
    const result = spawnSync(natsServerBinary(), ['--version'], { encoding: 'utf8' });
    return result.stdout.trim().replace(/^nats-server:\s*/, '') || 'unknown';
  } catch {
    return 'not installed';
  }
}

function readFirst(path) {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return 'unknown';
  }
}
