import { httpEnv, natsEnv, postgresEnv } from '@shelflink/config';
import { z } from 'zod';

const ms = (min: number, max: number, fallback: number) => z.coerce.number().int().min(min).max(max).default(fallback);

/** The vault's own variables; the keyring is required: without a master key the service refuses to start. */
export const vaultEnv = z.object({
  /** `k1:<base64 32 bytes>[,k2:...]`: versioned master keys. */
  SHELFLINK_MASTER_KEYS: z.string().min(1, 'a master key is required; the vault never stores plaintext'),
  SHELFLINK_ACTIVE_KEY_ID: z.string().min(1),
  SHELFLINK_RETIRED_KEY_IDS: z.string().default(''),
  /** Optional pepper for API key hashes (HMAC-SHA256 instead of SHA-256). */
  SHELFLINK_API_KEY_PEPPER: z.string().optional(),
});

/** auth-service environment; validated at boot, the process refuses to start on anything invalid. */
export const authConfigSchema = httpEnv(3001)
  .extend(natsEnv.shape)
  .extend(postgresEnv.shape)
  .extend(vaultEnv.shape)
  .extend({
    PROVIDERS_CONFIG: z.string().min(1).optional(),
    SANDBOX_URL: z.url().optional(),
    /** The gateway's public URL: OAuth redirect URI and webhook notification URLs are built from it. */
    PUBLIC_BASE_URL: z.url().default('http://127.0.0.1:3000'),
    SHELFLINK_BOOTSTRAP_TENANT_ID: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,64}$/)
      .optional(),
    SHELFLINK_BOOTSTRAP_API_KEY: z
      .string()
      .regex(/^slk_[A-Za-z0-9_-]{43}$/, 'must be slk_ + 43 base64url characters')
      .optional(),
    /** Refresh when the access token expires within this many seconds. */
    AUTH_REFRESH_BUFFER_SECONDS: z.coerce.number().int().min(0).max(86_400).default(300),
    /** Cross-replica refresh lease; a crashed holder blocks others at most this long. */
    AUTH_REFRESH_LEASE_MS: ms(1_000, 120_000, 15_000),
    /** Everything a token request may spend on refreshing, retries included. */
    AUTH_REFRESH_DEADLINE_MS: ms(500, 120_000, 10_000),
    /** Provider HTTP timeout per attempt. */
    AUTH_PROVIDER_TIMEOUT_MS: ms(100, 60_000, 5_000),
    /** In-memory token cache lifetime (keyed by credential version). */
    AUTH_TOKEN_CACHE_MS: ms(0, 60_000, 5_000),
    /**
     * A token reported refused is not renewed again this soon after the last refresh: a provider refusing fresh tokens
     * refuses the grant or the app, and refreshing at every refused call would only churn the refresh token.
     */
    AUTH_REFUSED_RENEW_INTERVAL_MS: ms(0, 3_600_000, 60_000),
    AUTH_OAUTH_STATE_TTL_SECONDS: z.coerce.number().int().min(30).max(3_600).default(600),
    /** Keep-alive job period; 0 disables it. */
    AUTH_KEEPALIVE_INTERVAL_MS: ms(0, 86_400_000, 3_600_000),
    /** Audit rows older than this many days are deleted; 0 keeps them forever. */
    AUTH_AUDIT_RETENTION_DAYS: z.coerce.number().int().min(0).max(36_500).default(365),
    AUTH_AUDIT_PRUNE_INTERVAL_MS: ms(1_000, 86_400_000, 3_600_000),
    /** Re-encrypt rows under old keys in the background at boot. */
    AUTH_ROTATE_ON_BOOT: z
      .enum(['true', 'false'])
      .default('true')
      .transform((v) => v === 'true'),
    /** Pause between rotation batches (lets tests interrupt a rotation half-way). */
    AUTH_ROTATION_BATCH_SIZE: ms(1, 10_000, 100),
    AUTH_ROTATION_BATCH_DELAY_MS: ms(0, 60_000, 0),
  });

export type AuthConfigValues = z.output<typeof authConfigSchema>;

/** Environment for `{"env": "NAME"}` secrets in the provider configuration file (only config/ reads env). */
export function providerSecretEnv(): Readonly<Record<string, string | undefined>> {
  return process.env;
}

/** Injection token and type for the validated config. */
export abstract class AuthConfig {}
export interface AuthConfig extends AuthConfigValues {}
