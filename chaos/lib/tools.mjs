// Optional fault tools (stress-ng, faketime): used when installed; installed with apt only when missing and root.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
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
