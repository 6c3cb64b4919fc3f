import { execFile } from 'node:child_process';
import type { TestNats } from '@shelflink/testing';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs bin/shelflink.mjs as the `operator` NATS user of `nats`; resolves with its exit code and output. */
export function operatorCli(nats: TestNats): (args: string[]) => Promise<CliResult> {
  return (args) =>
    new Promise((resolve) => {
      execFile(
        process.execPath,
        ['bin/shelflink.mjs', ...args],
        {
          env: {
            ...process.env,
            ...nats.envFor('operator'),
            NATS_USERS_FILE: nats.usersFile,
            NATS_PID_FILE: nats.pidFile,
          },
        },
        (error, stdout, stderr) => resolve({ code: error ? Number(error.code) : 0, stdout, stderr }),
      );
    });
}

/** The `{ error: { code, message } }` the CLI prints on stderr when a call fails. */
export function cliError(result: CliResult): { code: string; message: string } {
  return (JSON.parse(result.stderr) as { error: { code: string; message: string } }).error;
}
