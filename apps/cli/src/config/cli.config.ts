import { ConfigError, natsEnv, parseEnv } from '@shelflink/config';
import { readFileSync } from 'node:fs';
import { z } from 'zod';

/** The CLI's environment: all optional, since `npm start` leaves the local stack's URL and password in .data/. */
export const cliConfigSchema = z.object({
  NATS_URL: natsEnv.shape.NATS_URL.optional(),
  NATS_USER: natsEnv.shape.NATS_USER.default('operator'),
  NATS_PASSWORD: natsEnv.shape.NATS_PASSWORD.optional(),
  /** The variable nats-server and `npm start` know the operator password by. */
  NATS_OPERATOR_PASSWORD: natsEnv.shape.NATS_PASSWORD.optional(),
  NATS_USERS_FILE: z
    .string()
    .min(1)
    .optional()
    .describe(
      'The generated users file nats.conf includes (generated/users.conf beside it); `services add|remove|render` rewrite it. Default: the stack `npm start` runs.',
    ),
  NATS_USERS_TEMPLATE: z
    .string()
    .min(1)
    .optional()
    .describe("The users file's template with Shelflink's own users. Default: deploy/nats/users.conf of this install."),
  NATS_PID_FILE: z
    .string()
    .min(1)
    .optional()
    .describe(
      "nats-server's pid file (its -P option): the CLI sends that process SIGHUP to reload the users. Without it, reload nats-server yourself.",
    ),
  CONSUMER_NATS_URL: natsEnv.shape.NATS_URL.optional().describe(
    'The NATS URL `services add` prints for consumer services (the address they reach). Default: NATS_URL.',
  ),
});

export interface OperatorSettings {
  url: string;
  user: string;
  password: string;
}

/** Where consumer services' NATS users go, and how nats-server learns of them. */
export interface NatsUsersSettings {
  /** The NATS URL consumer services are told to use. */
  consumerUrl: string;
  usersFile?: string;
  template: string;
  pidFile?: string;
}

/** What `npm start` wrote for operators on this machine (.data/operator.json); nothing when it is absent. */
const localStackSchema = z.object({
  url: z.string().optional(),
  password: z.string().optional(),
  usersFile: z.string().optional(),
  pidFile: z.string().optional(),
});

const DEFAULT_URL = 'nats://127.0.0.1:4222';

/** The environment wins over the local stack's file; no password at all is a ConfigError naming the variables. */
export function operatorSettings(env: NodeJS.ProcessEnv, stackFile: string): OperatorSettings {
  const config = parseEnv(cliConfigSchema, env);
  const local = readLocalStack(stackFile);
  const password = config.NATS_PASSWORD ?? config.NATS_OPERATOR_PASSWORD ?? local.password;
  if (!password)
    throw new ConfigError([
      'NATS_PASSWORD (or NATS_OPERATOR_PASSWORD) is not set: the operator user password; `npm start` sets it up locally',
    ]);
  return { url: config.NATS_URL ?? local.url ?? DEFAULT_URL, user: config.NATS_USER, password };
}

/** The environment wins over the local stack's file, as for {@link operatorSettings}. */
export function natsUsersSettings(env: NodeJS.ProcessEnv, stackFile: string, template: string): NatsUsersSettings {
  const config = parseEnv(cliConfigSchema, env);
  const local = readLocalStack(stackFile);
  return {
    consumerUrl: config.CONSUMER_NATS_URL ?? config.NATS_URL ?? local.url ?? DEFAULT_URL,
    usersFile: config.NATS_USERS_FILE ?? local.usersFile,
    template: config.NATS_USERS_TEMPLATE ?? template,
    pidFile: config.NATS_PID_FILE ?? local.pidFile,
  };
}

/** The settings of this process's environment (the only place the CLI reads it). */
export const operatorSettingsFromEnv = (stackFile: string): OperatorSettings =>
  operatorSettings(process.env, stackFile);

export const natsUsersSettingsFromEnv = (stackFile: string, template: string): NatsUsersSettings =>
  natsUsersSettings(process.env, stackFile, template);

function readLocalStack(file: string): z.output<typeof localStackSchema> {
  try {
    return localStackSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
  } catch {
    return {};
  }
}
