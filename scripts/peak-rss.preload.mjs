// Loaded with `node --import` into a process whose peak memory a test measures: at exit, writes the process's peak
// resident set size (VmHWM, kB) to the file PEAK_RSS_FILE names.
import { readFileSync, writeFileSync } from 'node:fs';

const target = process.env.PEAK_RSS_FILE;
if (target) {
  process.on('exit', () => {
    const peak = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? '0';
    writeFileSync(target, peak);
  });
}
