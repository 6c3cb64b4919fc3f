// Optional fault tools (stress-ng, faketime): used when installed; installed with apt only when missing and root.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const find = (name) =>
  [...(process.env.PATH ?? '').split(':'), '/usr/bin', '/usr/sbin']
    .map((dir) => join(dir, name))
    .find((path) => existsSync(path));

/** The binary's path, or undefined (with the reason in `why`) when it is missing and cannot be installed here. */
export function ensureTool(name, aptPackage = name) {
  const found = find(name);
  if (found) return { path: found };
  if (process.getuid?.() !== 0) return { why: `${name} not installed and not root (apt-get install -y ${aptPackage})` };
  const result = spawnSync('apt-get', ['install', '-y', '-qq', aptPackage], {
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    encoding: 'utf8',
    timeout: 120_000,
  });
  const installed = find(name);
  return installed
    ? { path: installed }
    : {
        why: `${name} missing; apt-get install failed (${(result.stderr || '').trim().split('\n').at(-1) ?? result.status})`,
      };
}

/**
 * The environment that runs a process under a clock offset (`+10m`, `-10m`) through libfaketime, or `{ why }`. The
 * `faketime` wrapper is not used as a command prefix: it forks and waits, so killing it would orphan the service.
 */
export function fakeClockEnv(offset) {
  const tool = ensureTool('faketime');
  if (!tool.path) return { why: tool.why };
  const library = ['/usr/lib', '/usr/local/lib']
    .flatMap((dir) => (existsSync(dir) ? readdirSync(dir).map((entry) => join(dir, entry)) : []))
    .concat(['/usr/lib', '/usr/local/lib'])
    .map((dir) => join(dir, 'faketime', 'libfaketime.so.1'))
    .find((path) => existsSync(path));
  if (!library) return { why: 'faketime installed but libfaketime.so.1 not found' };
  return { env: { LD_PRELOAD: library, FAKETIME: offset, FAKETIME_DONT_FAKE_MONOTONIC: '1' } };
}
