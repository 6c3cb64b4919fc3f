// CPU time spent by processes, from /proc: a cost per request that a busy machine distorts far less than wall-clock
// throughput (another process's load slows us down, but does not make us do more work).
import { readdirSync, readFileSync } from 'node:fs';

const ticksPerSecond = 100; // USER_HZ on Linux
// Postgres processes that work for every database: their CPU belongs to whoever writes.
const sharedPostgresWork = /: (walwriter|checkpointer|background writer)\b/;

/** User + system CPU seconds of one process so far; 0 when it is gone. */
export function cpuSeconds(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond;
  } catch {
    return 0;
  }
}

/** CPU seconds of the Postgres backends serving `database` plus the server's shared writers (WAL, checkpoints). */
export function postgresCpuSeconds(database) {
  let total = 0;
  for (const pid of readdirSync('/proc').filter((entry) => /^\d+$/.test(entry))) {
    try {
      if (readFileSync(`/proc/${pid}/comm`, 'utf8').trim() !== 'postgres') continue;
      const title = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (title.includes(` ${database} `) || sharedPostgresWork.test(title)) total += cpuSeconds(pid);
    } catch {
      // exited meanwhile
    }
  }
  return total;
}

/**
 * Starts counting the CPU of `pids` and of Postgres for `database`; `stop()` returns the seconds spent since.
 * `named` (optional, `{ name: pid }`) are counted apart too: `parts()` returns their seconds and Postgres's so far.
 */
export function cpuMeter({ pids, database, named = {} }) {
  const readParts = () => ({
    ...Object.fromEntries(Object.entries(named).map(([name, pid]) => [name, cpuSeconds(pid)])),
    postgres: postgresCpuSeconds(database),
  });
  const read = () => pids().reduce((sum, pid) => sum + cpuSeconds(pid), postgresCpuSeconds(database));
  const start = read();
  const startParts = readParts();
  return {
    stop: () => read() - start,
    parts: () =>
      Object.fromEntries(Object.entries(readParts()).map(([name, value]) => [name, value - startParts[name]])),
  };
}

/** Seconds the main thread of `pid` has spent runnable but waiting for a cpu (schedstat's second field); 0 if gone. */
export function cpuWaitSeconds(pid) {
  try {
    return Number(readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ')[1]) / 1e9;
  } catch {
    return 0;
  }
}
