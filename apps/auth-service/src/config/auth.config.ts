import { httpEnv, natsEnv, postgresEnv, callLogEnv } from '@shelflink/config';
import { z } from 'zod';

const ms = (min: number, max: number, fallback: number) => z.coerce.number().int().min(min).max(max).default(fallback);

/** The vault's own variables; the keyring is required: without a master key the service refuses to start. */
export const vaultEnv = z.object({
  SHELFLINK_MASTER_KEYS: z
    .string()
    .min(1, 'a master key is required; the vault never stores plaintext')
    .describe('`k1:<base64 32 bytes>[,k2:…]`: the versioned master keys. No key, no start.'),
  SHELFLINK_ACTIVE_KEY_ID: z
    .string()
    .min(1)
    .describe('The key new secrets are sealed with; rows under other keys are re-encrypted in the background.'),
  SHELFLINK_RETIRED_KEY_IDS: z
    .string()
    .default('')
    .describe('Comma-separated key ids whose ciphertexts are refused (once a rotation has finished).'),
  SHELFLINK_API_KEY_PEPPER: z
    .string()
    .optional()
    .describe('Optional pepper: admin API keys are hashed with HMAC-SHA256 instead of SHA-256.'),
});

/** auth-service environment; validated at boot, the process refuses to start on anything invalid. */
export const authConfigSchema = httpEnv(3001)
  .extend(natsEnv.shape)
  .extend(postgresEnv.shape)
  .extend(vaultEnv.shape)
  .extend(callLogEnv.shape)
  .extend({
    PROVIDERS_CONFIG: z
      .string()
      .min(1)
      .optional()
      .describe(
        'Provider configuration file (app credentials, scopes, webhook secrets, URL overrides, custom providers); unset: catalog defaults.',
      ),
    SANDBOX_URL: z.url().optional().describe('Fills `{sandbox}` in the provider configuration file.'),
    PUBLIC_BASE_URL: z
      .url()
      .default('http://127.0.0.1:3000')
      .describe("The gateway's public URL: OAuth redirect URI and webhook notification URLs are built from it."),
    SHELFLINK_BOOTSTRAP_TENANT_ID: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,64}$/)
      .optional()
      .describe('Tenant upserted at boot, with the admin key below.'),
    SHELFLINK_SHOPIFY_INSTALL_TENANT: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,64}$/)
      .optional()
      .describe(
        'Tenant that owns installs from the Shopify admin (`GET /install/shopify`); unset: such installs are refused.',
      ),
    SHELFLINK_BOOTSTRAP_API_KEY: z
      .string()
      .regex(/^slk_[A-Za-z0-9_-]{43}$/, 'must be slk_ + 43 base64url characters')
      .optional()
      .describe('Admin API key (`slk_` + 43 base64url characters) upserted at boot for that tenant.'),
    AUTH_REFRESH_BUFFER_SECONDS: z.coerce
      .number()
      .int()
      .min(0)
      .max(86_400)
      .default(300)
      .describe('Refresh when the access token expires within this many seconds.'),
    AUTH_REFRESH_LEASE_MS: ms(1_000, 120_000, 15_000).describe(
      'Cross-replica refresh lease; a crashed holder blocks the others at most this long.',
    ),
    AUTH_REFRESH_DEADLINE_MS: ms(500, 120_000, 10_000).describe(
      'What one token request may spend on refreshing, retries included.',
    ),
    AUTH_PROVIDER_TIMEOUT_MS: ms(100, 60_000, 5_000).describe('Provider HTTP timeout per attempt.'),
    AUTH_TOKEN_CACHE_MS: ms(0, 60_000, 5_000).describe('In-memory token cache lifetime, keyed by credential version.'),
    // A provider refusing fresh tokens refuses the grant or the app: renewing at every refused call only churns it.
    AUTH_REFUSED_RENEW_INTERVAL_MS: ms(0, 3_600_000, 60_000).describe(
      'A token a provider refused is not renewed again sooner than this after the last refresh.',
    ),
    AUTH_OAUTH_STATE_TTL_SECONDS: z.coerce
      .number()
      .int()
      .min(30)
      .max(3_600)
      .default(600)
      .describe('Connect sessions (OAuth state) expire after this many seconds.'),
    AUTH_KEEPALIVE_INTERVAL_MS: ms(0, 86_400_000, 3_600_000).describe(
      'Period of the keep-alive job that refreshes OAuth connections idle for 3 days (refresh tokens die of idleness); 0 disables it.',
    ),
    AUTH_WEBHOOK_RECONCILE_INTERVAL_MS: ms(0, 7 * 86_400_000, 21_600_000).describe(
      "How often each connection's per-shop webhook subscriptions (Shopify) are checked and restored; 0 disables the reconcile job (connects still register).",
    ),
    AUTH_WEBHOOK_RECONCILE_TICK_MS: ms(100, 3_600_000, 30_000).describe(
      'How often each replica looks for connections due a webhook subscription check; also the first retry delay after a failed registration (doubling, at most the interval).',
    ),
    AUTH_AUDIT_RETENTION_DAYS: z.coerce
      .number()
      .int()
      .min(0)
      .max(36_500)
      .default(365)
      .describe('Credential audit events older than this many days are deleted; 0 keeps them forever.'),
    AUTH_AUDIT_PRUNE_INTERVAL_MS: ms(1_000, 86_400_000, 3_600_000).describe(
      'How often each replica prunes the audit log.',
    ),
    AUTH_ROTATE_ON_BOOT: z
      .enum(['true', 'false'])
      .default('true')
      .transform((v) => v === 'true')
      .describe('Re-encrypt rows under non-active keys in the background at boot.'),
    AUTH_ROTATION_BATCH_SIZE: ms(1, 10_000, 100).describe('Rows re-encrypted per rotation batch.'),
    // Lets tests interrupt a rotation half-way.
    AUTH_ROTATION_BATCH_DELAY_MS: ms(0, 60_000, 0).describe('Pause between rotation batches.'),
  });

export type AuthConfigValues = z.output<typeof authConfigSchema>;

/** Environment for `{"env": "NAME"}` secrets in the provider configuration file (only config/ reads env). */
export function providerSecretEnv(): Readonly<Record<string, string | undefined>> {
  return process.env;
}

/** Injection token and type for the validated config. */
export abstract class AuthConfig {}
export interface AuthConfig extends AuthConfigValues {}
