import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { configFileSchema, type SandboxConfigFile } from './admin/admin.schemas.js';

const optionalInt = z.coerce.number().int().min(0).optional();

/** The CLI's environment; refused at start when malformed. */
export const sandboxEnvSchema = z.object({
  SANDBOX_PORT: z.coerce.number().int().min(0).max(65535).default(4600),
  SANDBOX_HOST: z.string().default('127.0.0.1'),
  SANDBOX_SEED: z.coerce.number().int().optional(),
  SANDBOX_ORDERS: optionalInt,
  SANDBOX_PRODUCTS: optionalInt,
  SANDBOX_LOCATIONS: z.coerce.number().int().min(1).optional(),
  SANDBOX_CONFIG: z.string().min(1).optional(),
});
export type SandboxEnv = z.infer<typeof sandboxEnvSchema>;

export function readSandboxEnv(env: NodeJS.ProcessEnv = process.env): SandboxEnv {
  return sandboxEnvSchema.parse(env);
}

/** Reads and validates the SANDBOX_CONFIG file (apps and accounts to pre-register). */
export function readConfigFile(path: string): SandboxConfigFile {
  return configFileSchema.parse(JSON.parse(readFileSync(path, 'utf8')));
}
