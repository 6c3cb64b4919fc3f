import { z } from 'zod';
import { declaredStreamsSchema } from './stream-config.js';

/** A secret given inline or as `{"env": "NAME"}` resolved from the environment map at load time. */
export const secretRefSchema = z.union([
  z.string().min(1),
  z.strictObject({ env: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/) }),
]);

const urlTemplate = z.string().min(1).max(2048);
const scope = z.string().regex(/^[^\s,]+$/, 'a scope has no spaces or commas');

/** Per-provider settings. Catalog providers take credentials and overrides; custom ones also declare `kind`. */
export const providerEntrySchema = z.strictObject({
  kind: z.enum(['oauth2', 'standard-webhooks']).optional(),
  displayName: z.string().min(1).max(80).optional(),
  enabled: z.boolean().default(true),
  clientId: secretRefSchema.optional(),
  clientSecret: secretRefSchema.optional(),
  webhookSecrets: z.array(secretRefSchema).max(2).optional(),
  /** `connection`: Shelflink registers each connection's subscriptions (Shopify); `app`: the app config declares them. */
  webhookRegistration: z.enum(['connection', 'app']).optional(),
  /** Shopify topics / Square event types the deployment subscribes to; default: the catalog's. */
  webhookTopics: z
    .array(z.string().regex(/^[a-z0-9_]+([./][a-z0-9_]+)+$/, 'a topic such as orders/create or order.updated'))
    .max(50)
    .optional(),
  /** Square: the API version of the app's webhook subscription; default: the catalog's Square-Version. */
  webhookApiVersion: z
    .string()
    .regex(/^[0-9]{4}-[0-9]{2}(-[0-9]{2})?$/)
    .optional(),
  /** Square: the application's personal access token, for the Webhook Subscriptions API (app-owned subscriptions). */
  appAccessToken: secretRefSchema.optional(),
  scopes: z.array(scope).max(100).optional(),
  publicBaseUrl: urlTemplate.optional(),
  authorizeUrl: urlTemplate.optional(),
  tokenUrl: urlTemplate.optional(),
  revokeUrl: urlTemplate.optional(),
  apiBaseUrl: urlTemplate.optional(),
  postConnectUrl: urlTemplate.optional(),
  // Custom oauth2 providers only.
  pkce: z.enum(['required', 'supported', 'none']).optional(),
  refresh: z.enum(['rotating', 'multi-use', 'none']).optional(),
  tokenRequestEncoding: z.enum(['json', 'form']).optional(),
  clientAuth: z.enum(['body', 'basic']).optional(),
  scopeSeparator: z.enum([' ', ',']).optional(),
  authorizeParams: z.record(z.string().regex(/^[A-Za-z0-9_.\-[\]]+$/), z.string().max(500)).optional(),
  testConnection: z.strictObject({ method: z.enum(['GET', 'POST']), path: z.string().regex(/^\/[^\s#]*$/) }).optional(),
  webhookScheme: z.enum(['standard-webhooks', 'none']).optional(),
  /** Streams pulled into the canonical model, each with a field mapping: a provider synced with no code. */
  streams: declaredStreamsSchema.optional(),
});

/** The provider configuration file: `{"providers": {"<key>": {...}}}`. */
export const providerConfigSchema = z.strictObject({
  providers: z.record(
    z.string().regex(/^[a-z][a-z0-9-]{1,39}$/, 'provider keys are lowercase [a-z0-9-], 2-40 chars'),
    providerEntrySchema,
  ),
});

/** A parsed (not yet resolved) configuration file. */
export type ProviderConfigFile = z.infer<typeof providerConfigSchema>;
/** One provider's parsed settings. */
export type ProviderEntry = z.infer<typeof providerEntrySchema>;
/** `string | {env}`. */
export type SecretRef = z.infer<typeof secretRefSchema>;

/** Fields only custom providers may set. */
export const CUSTOM_ONLY_FIELDS = [
  'pkce',
  'refresh',
  'tokenRequestEncoding',
  'clientAuth',
  'scopeSeparator',
  'authorizeParams',
  'testConnection',
  'webhookScheme',
  'streams',
] as const;

/** URL fields that can be overridden, each a template. */
export const URL_FIELDS = ['authorizeUrl', 'tokenUrl', 'revokeUrl', 'apiBaseUrl', 'postConnectUrl'] as const;
/** One overridable URL field. */
export type UrlField = (typeof URL_FIELDS)[number];
