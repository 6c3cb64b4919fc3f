import { z } from 'zod';

/** Thrown when the environment is invalid; the message names every bad variable, never its value. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration: ${problems.join('; ')}`);
    this.name = 'ConfigError';
  }
}

/** Validates `env` against a schema whose keys are variable names; an empty variable counts as unset (compose's `${X:-}`). */
export function parseEnv<S extends z.ZodObject>(schema: S, env: NodeJS.ProcessEnv): z.output<S> {
  const set = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''));
  const result = schema.safeParse(set);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const name = issue.path.join('.') || '(environment)';
    const received = set[String(issue.path[0])] === undefined ? 'is not set' : 'is invalid';
    return `${name} ${received} (${issue.message})`;
  });
  throw new ConfigError(problems);
}

/** Loads config at boot; a bad environment stops the process with a message naming the variables and exit code 78. */
export function loadConfigOrExit<S extends z.ZodObject>(service: string, schema: S, env = process.env): z.output<S> {
  try {
    return parseEnv(schema, env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(
      `${JSON.stringify({ level: 'fatal', service, msg: error.message, problems: error.problems })}\n`,
    );
    process.exit(78);
  }
}

const port = z.coerce.number().int().min(0).max(65535);

/** Variables every service shares: its HTTP port (health, metrics) and log level. */
export const httpEnv = (defaultPort: number) =>
  z.object({
    HTTP_PORT: port.default(defaultPort).describe('Port of health and metrics (and, for the gateway, the public API).'),
    HTTP_HOST: z.string().default('0.0.0.0').describe('Listen address.'),
    LOG_LEVEL: z
      .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace'])
      .default('info')
      .describe('Lowest level written to the JSON log lines.'),
  });

/** NATS: the server list and this service's own user. */
export const natsEnv = z.object({
  NATS_URL: z
    .string()
    .regex(/^(nats|tls):\/\/[^\s,]+(,(nats|tls):\/\/[^\s,]+)*$/, 'must be nats://host:port[,nats://...]')
    .describe('NATS servers, `nats://host:port[,nats://...]`.'),
  NATS_USER: z.string().min(1).describe("The service's own NATS user (see deploy/nats/nats.conf)."),
  NATS_PASSWORD: z.string().min(1).describe("That user's password."),
});

/** JetStream streams a service creates: replicas and placement, the same for every stream of the deployment. */
export const natsStreamsEnv = z.object({
  NATS_STREAM_REPLICAS: z.coerce
    .number()
    .int()
    .min(1)
    .max(5)
    .default(1)
    .describe('Replicas of every JetStream stream: 1 on one server, 3 on a cluster (set in place at boot).'),
  NATS_STREAM_PLACEMENT_TAGS: z
    .string()
    .regex(/^[\w.:-]+(,[\w.:-]+)*$/, 'must be tag[,tag...]')
    .optional()
    .transform((value) => value?.split(',') ?? [])
    .describe(
      "Only servers whose `server_tags` include every one of these hold the streams' replicas (comma-separated).",
    ),
});

/** Postgres: one database shared by all services, one schema each. */
export const postgresEnv = z.object({
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
    .describe('`postgres://…`; the service uses only its own schema.'),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10).describe('Connections per process.'),
});

/** The outbound call log (auth-service and sync-service, each in its own schema): one row per provider call attempt. */
export const callLogEnv = z.object({
  CALL_LOG_ENABLED: z
    .enum(['true', 'false'])
    .default('true')
    .transform((value) => value === 'true')
    .describe('`false` stops writing call log rows (benchmarks); metrics still count every call.'),
  CALL_LOG_RETENTION_DAYS: z.coerce
    .number()
    .int()
    .min(1)
    .max(3650)
    .default(14)
    .describe('Call log rows older than this many days are pruned.'),
  CALL_LOG_PRUNE_INTERVAL_MS: z.coerce
    .number()
    .int()
    .min(1_000)
    .max(86_400_000)
    .default(600_000)
    .describe('How often each replica prunes expired call log rows (in batches of 5,000).'),
  CALL_LOG_FLUSH_MS: z.coerce
    .number()
    .int()
    .min(10)
    .max(60_000)
    .default(250)
    .describe('Buffered call log rows are written at least this often (or at once when 500 are waiting).'),
  CALL_LOG_MAX_BUFFERED: z.coerce
    .number()
    .int()
    .min(100)
    .max(1_000_000)
    .default(20_000)
    .describe('Rows the call log buffers at most; past it rows are dropped and counted, never the call slowed.'),
});
export type CallLogSettings = z.output<typeof callLogEnv>;
