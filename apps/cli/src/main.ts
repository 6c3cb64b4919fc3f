import { fileURLToPath } from 'node:url';
import { runCli } from './cli.js';
import { commandTable } from './command-table.js';
import { natsUsersSettingsFromEnv, operatorSettingsFromEnv } from './config/cli.config.js';
import { LazyOperatorBus } from './operator-bus.js';

// Built as dist/apps/cli/src/main.js; four levels up is the repo root, where `npm start` writes .data/operator.json.
const stackFile = fileURLToPath(new URL('../../../../.data/operator.json', import.meta.url));
const usersTemplate = fileURLToPath(new URL('../../../../deploy/nats/users.conf', import.meta.url));

process.exitCode = await runCli(process.argv.slice(2), commandTable, {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  openBus: () =>
    new LazyOperatorBus(
      () => operatorSettingsFromEnv(stackFile),
      () => natsUsersSettingsFromEnv(stackFile, usersTemplate),
    ),
});
