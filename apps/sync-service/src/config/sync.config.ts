import { httpEnv, natsEnv, postgresEnv } from '@shelflink/config';
import type { z } from 'zod';

/** sync-service environment; validated at boot, the process refuses to start on anything invalid. */
export const syncConfigSchema = httpEnv(3003).extend(natsEnv.shape).extend(postgresEnv.shape);

export type SyncConfigValues = z.output<typeof syncConfigSchema>;

/** Injection token and type for the validated config. */
export abstract class SyncConfig {}
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging -- the class is the DI token, the interface its shape
export interface SyncConfig extends SyncConfigValues {}
