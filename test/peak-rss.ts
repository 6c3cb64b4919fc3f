import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestNats } from '@shelflink/testing';

/** Peak resident set size of a running process so far (VmHWM), in MB. */
export function peakRssMb(pid: number): number {
  const kb = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  if (kb === undefined) throw new Error(`no VmHWM for process ${pid}`);
  return Number(kb) / 1024;
}

/** Starts a new peak for a running process: its VmHWM drops to its current RSS (Linux clear_refs 5). */
export function resetPeakRss(pid: number): void {
  writeFileSync(`/proc/${pid}/clear_refs`, '5');
}

/** The operator CLI as `operatorCli` runs it, with its whole stdout and its peak RSS (MB) at exit. */
export async function cliWithPeakRss(
  nats: TestNats,
  args: string[],
): Promise<{ code: number; stdout: string; peakMb: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'shelflink-peak-rss-'));
  const report = join(dir, 'peak');
  try {
    const child = spawn(
      process.execPath,
      ['--import', './scripts/peak-rss.preload.mjs', 'bin/shelflink.mjs', ...args],
      {
        env: {
          ...process.env,
          ...nats.envFor('operator'),
          NATS_USERS_FILE: nats.usersFile,
          NATS_PID_FILE: nats.pidFile,
          PEAK_RSS_FILE: report,
        },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    const out: Buffer[] = [];
    child.stdout.on('data', (part: Buffer) => out.push(part));
    const code = await new Promise<number>((resolve) => child.on('close', (exit) => resolve(exit ?? 1)));
    return { code, stdout: Buffer.concat(out).toString('utf8'), peakMb: Number(readFileSync(report, 'utf8')) / 1024 };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
