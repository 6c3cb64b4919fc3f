import { httpEnv, natsEnv } from '@shelflink/config';
import { z } from 'zod';

/** gateway environment: the public edge holds no database and no provider secret. */
export const gatewayConfigSchema = httpEnv(3000)
  .extend(natsEnv.shape)
  .extend({
    GATEWAY_BODY_LIMIT_BYTES: z.coerce
      .number()
      .int()
      .min(1024)
      .max(50 * 1024 * 1024)
      .default(1_048_576)
      .describe(
        "Largest request body accepted, webhooks included: beyond it 413. Webhook bodies also stop at 2.9 MB and at what the NATS server's max_payload carries once base64-encoded, with a 413 too (never a 503 to retry).",
      ),
    GATEWAY_NATS_TIMEOUT_MS: z.coerce
      .number()
      .int()
      .min(100)
      .max(60_000)
      .default(5_000)
      .describe("How long an admin call waits for a service's reply over NATS."),
    GATEWAY_WEBHOOK_TIMEOUT_MS: z.coerce
      .number()
      .int()
      .min(100)
      .max(60_000)
      .default(4_000)
      .describe(
        "How long a webhook waits for webhook-ingest; below Shopify's 5 s, so a slow store is a 503 the provider retries.",
      ),
    GATEWAY_SESSION_KEY: z
      .string()
      .regex(/^[A-Za-z0-9+/]{43}=$/, 'must be 32 bytes, base64')
      .optional()
      .describe(
        'Seals the console session cookie (32 bytes, base64); every gateway replica needs the same one. Unset: a random key per process, so sessions end when the gateway restarts.',
      ),
    GATEWAY_SESSION_TTL_SECONDS: z.coerce
      .number()
      .int()
      .min(60)
      .max(7 * 24 * 3600)
      .default(8 * 3600)
      .describe('How long a console session lasts after sign-in; the cookie expires with it.'),
    PUBLIC_BASE_URL: z
      .url()
      .optional()
      .describe("The gateway's public URL as providers know it (what Square signs); webhook diagnostics use it."),
  });

export type GatewayConfigValues = z.output<typeof gatewayConfigSchema>;

/** Injection token and type for the validated config. */
export abstract class GatewayConfig {}
export interface GatewayConfig extends GatewayConfigValues {}
