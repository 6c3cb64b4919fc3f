import type { z } from 'zod';
import type { ArgumentSpec, OptionSpec } from '../command.js';

/** Arguments and options several command groups share, described once. */
export const tenantArg: ArgumentSpec = { name: 'tenantId', description: 'the tenant' };
export const connectionArg: ArgumentSpec = { name: 'connectionId', description: "one of the tenant's connections" };

export const connectionOption: OptionSpec = {
  name: 'connection',
  kind: 'value',
  placeholder: 'id',
  description: 'only this connection',
};

export const statusOption = (statuses: readonly string[]): OptionSpec => ({
  name: 'status',
  kind: 'value',
  placeholder: 'status',
  description: `only this status: ${statuses.join(', ')}`,
});

/** `--limit`, its bounds and default read from the contract's `limit` field. */
export const limitOption = (limit: z.ZodDefault<z.ZodNumber>): OptionSpec => ({
  name: 'limit',
  kind: 'integer',
  placeholder: 'n',
  description: `at most n (${limit.unwrap().minValue} to ${limit.unwrap().maxValue}; default ${limit.def.defaultValue})`,
});
