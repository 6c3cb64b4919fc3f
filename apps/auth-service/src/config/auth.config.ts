import { httpEnv, natsEnv, postgresEnv } from '@shelflink/config';
import type { z } from 'zod';

/** auth-service environment; validated at boot, the process refuses to start on anything invalid. */
export const authConfigSchema = httpEnv(3001).extend(natsEnv.shape).extend(postgresEnv.shape);

export type AuthConfigValues = z.output<typeof authConfigSchema>;

/** Injection token and type for the validated config. */
export abstract class AuthConfig {}
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging -- the class is the DI token, the interface its shape
export interface AuthConfig extends AuthConfigValues {}
