import { httpEnv, natsEnv, postgresEnv } from '@shelflink/config';
import type { z } from 'zod';

/** webhook-ingest environment; validated at boot, the process refuses to start on anything invalid. */
export const webhookConfigSchema = httpEnv(3002).extend(natsEnv.shape).extend(postgresEnv.shape);

export type WebhookConfigValues = z.output<typeof webhookConfigSchema>;

/** Injection token and type for the validated config. */
export abstract class WebhookConfig {}
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging -- the class is the DI token, the interface its shape
export interface WebhookConfig extends WebhookConfigValues {}
