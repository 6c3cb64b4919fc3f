import type { CommandSpec } from './command.js';
import { alertCommands } from './commands/alerts.js';
import { callCommands } from './commands/calls.js';
import { connectionCommands } from './commands/connections.js';
import { deadLetterCommands } from './commands/dead-letters.js';
import { productCommands } from './commands/products.js';
import { proxyCommands } from './commands/proxy.js';
import { scheduleCommands } from './commands/schedules.js';
import { syncCommands } from './commands/syncs.js';
import { serviceCommands } from './commands/services.js';
import { tenantCommands } from './commands/tenants.js';
import { vaultCommands } from './commands/vault.js';
import { webhookEventCommands } from './commands/webhook-events.js';
import { webhookCommands } from './commands/webhooks.js';

/** Every command, in the order `--help` lists them. */
export const commandTable: readonly CommandSpec[] = [
  ...tenantCommands,
  ...connectionCommands,
  ...vaultCommands,
  ...syncCommands,
  ...productCommands,
  ...callCommands,
  ...scheduleCommands,
  ...webhookEventCommands,
  ...webhookCommands,
  ...deadLetterCommands,
  ...serviceCommands,
  ...alertCommands,
  ...proxyCommands,
];
