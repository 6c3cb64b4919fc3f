import { httpEnv, natsEnv } from '@shelflink/config';
import { z } from 'zod';

/** gateway environment: the public edge holds no database and no provider secret. */
export const gatewayConfigSchema = httpEnv(3000)
  .extend(natsEnv.shape)
  .extend({
    /** Largest request body accepted (webhooks included); beyond it: 413. */
    GATEWAY_BODY_LIMIT_BYTES: z.coerce.number().int().min(1024).max(50 * 1024 * 1024).default(1_048_576),
    /** How long the gateway waits for a service's reply over NATS. */
    GATEWAY_NATS_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(5_000),
  });

export type GatewayConfigValues = z.output<typeof gatewayConfigSchema>;

/** Injection token and type for the validated config. */
export abstract class GatewayConfig {}
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging -- the class is the DI token, the interface its shape
export interface GatewayConfig extends GatewayConfigValues {}
