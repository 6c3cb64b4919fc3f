import { readFileSync } from 'node:fs';
import { SecretValue } from '@shelflink/crypto';
import { genericOAuth2Provider, genericStandardWebhooksProvider } from '../catalog/generic.provider.js';
import { getCatalogProvider, isCatalogProviderKey } from '../catalog/catalog.js';
import type { AuthSpec, ProviderDefinition } from '../provider-definition.js';
import {
  CUSTOM_ONLY_FIELDS,
  providerConfigSchema,
  URL_FIELDS,
  type ProviderEntry,
  type SecretRef,
  type UrlField,
} from './provider-config.js';
import { checkUrlTemplate, configError, normalizeBaseUrl, substituteBases } from './url-template.js';

/** A provider ready to use: the catalog definition with overrides applied, and its resolved credentials. */
export interface ResolvedProvider {
  readonly key: string;
  readonly enabled: boolean;
  readonly definition: ProviderDefinition;
  readonly clientId?: string;
  readonly clientSecret?: SecretValue;
  /** Current first; two during rotation. Shopify defaults to the client secret, which is what it signs with. */
  readonly webhookSecrets: readonly SecretValue[];
  readonly scopes: readonly string[];
  /** Public URL prefix of Shelflink's webhook route (what Square signs). */
  readonly publicBaseUrl?: string;
  /** True when configuration pointed this provider at a loopback http URL (sandbox); pass to buildProviderUrl. */
  readonly allowLoopbackHttp: boolean;
  /** `connection`: Shelflink registers subscriptions per connection; `app`: the provider app owns them. */
  readonly webhookRegistration: 'connection' | 'app';
  /** Topics or event types to subscribe to. */
  readonly webhookTopics: readonly string[];
  readonly webhookApiVersion?: string;
  /** Square's application personal access token (Webhook Subscriptions API). */
  readonly appAccessToken?: SecretValue;
}

/** Resolved providers by key. */
export type ResolvedProviders = ReadonlyMap<string, ResolvedProvider>;

/** Options of {@link loadProviderConfig} and {@link resolveProviderConfig}. */
export interface ProviderConfigOptions {
  /** Environment used for `{"env": "NAME"}` secrets (pass `process.env` from the app's config module). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Replaces `{sandbox}` in URLs (for example `http://127.0.0.1:4010`). */
  readonly sandboxUrl?: string;
  /** Replaces `{gateway}` in `publicBaseUrl`. */
  readonly gatewayUrl?: string;
}

/** Reads, validates and resolves a provider configuration file. Errors name the field path, never secret values. */
export function loadProviderConfig(options: ProviderConfigOptions & { readonly path: string }): ResolvedProviders {
  let text: string;
  try {
    text = readFileSync(options.path, 'utf8');
  } catch {
    throw configError(`cannot read ${options.path}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw configError(`${options.path} is not valid JSON`);
  }
  return resolveProviderConfig(json, options);
}

/** Validates and resolves an already parsed configuration object. */
export function resolveProviderConfig(json: unknown, options: ProviderConfigOptions): ResolvedProviders {
  const parsed = providerConfigSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = ['', ...(issue?.path ?? [])].map(String).join('.').slice(1) || '(root)';
    throw configError(`${path}: ${issue?.message ?? 'invalid'}`);
  }
  const bases = {
    sandbox: options.sandboxUrl === undefined ? undefined : normalizeBaseUrl(options.sandboxUrl, 'sandbox'),
    gateway: options.gatewayUrl === undefined ? undefined : normalizeBaseUrl(options.gatewayUrl, 'gateway'),
  };
  const resolved = new Map<string, ResolvedProvider>();
  for (const [key, entry] of Object.entries(parsed.data.providers)) {
    resolved.set(key, resolveEntry(key, entry, options.env, bases));
  }
  return resolved;
}

/** Shelflink's webhook URL for a connection: `{publicBaseUrl}/webhooks/{provider}/{connectionId}`. */
export function webhookNotificationUrl(provider: ResolvedProvider, connectionId: string): string | undefined {
  if (provider.publicBaseUrl === undefined) return undefined;
  return `${provider.publicBaseUrl}/webhooks/${provider.key}/${encodeURIComponent(connectionId)}`;
}

type Env = ProviderConfigOptions['env'];
type Bases = Readonly<Record<string, string | undefined>>;

function resolveEntry(key: string, entry: ProviderEntry, env: Env, bases: Bases): ResolvedProvider {
  const at = `providers.${key}`;
  const urls = substitutedUrls(entry, at, bases);
  const base = baseDefinition(key, entry, urls, at);
  const { definition, loopbackHttp } = applyOverrides(base, urls, at);
  // A disabled provider may reference variables this deployment does not set.
  const secret = (ref: SecretRef | undefined, field: string): SecretValue | undefined =>
    ref === undefined ? undefined : resolveSecret(ref, `${at}.${field}`, env, entry.enabled);
  const clientSecret = secret(entry.clientSecret, 'clientSecret');
  const webhookSecrets = (entry.webhookSecrets ?? []).flatMap((ref, i) => secret(ref, `webhookSecrets.${i}`) ?? []);
  const publicBaseUrl =
    entry.publicBaseUrl === undefined ? undefined : resolvePublicBase(entry.publicBaseUrl, at, bases);
  const clientId = secret(entry.clientId, 'clientId')?.reveal();
  const appAccessToken = secret(entry.appAccessToken, 'appAccessToken');
  checkRequired(definition, entry, at, { clientId, clientSecret, webhookSecrets });
  return {
    key,
    enabled: entry.enabled,
    definition,
    ...(clientId !== undefined ? { clientId } : {}),
    ...(clientSecret ? { clientSecret } : {}),
    webhookSecrets: webhookSecrets.length === 0 && key === 'shopify' && clientSecret ? [clientSecret] : webhookSecrets,
    scopes: entry.scopes ?? firstOAuth(definition)?.defaultScopes ?? [],
    ...(publicBaseUrl !== undefined ? { publicBaseUrl } : {}),
    allowLoopbackHttp: loopbackHttp,
    webhookRegistration: entry.webhookRegistration ?? definition.webhook.registration ?? 'connection',
    webhookTopics: entry.webhookTopics ?? definition.webhook.defaultTopics ?? [],
    ...(entry.webhookApiVersion !== undefined ? { webhookApiVersion: entry.webhookApiVersion } : {}),
    ...(appAccessToken ? { appAccessToken } : {}),
  };
}

function substitutedUrls(entry: ProviderEntry, at: string, bases: Bases): Partial<Record<UrlField, string>> {
  const urls: Partial<Record<UrlField, string>> = {};
  for (const field of URL_FIELDS) {
    const value = entry[field];
    if (value !== undefined) urls[field] = substituteBases(value, `${at}.${field}`, bases);
  }
  return urls;
}

function baseDefinition(
  key: string,
  entry: ProviderEntry,
  urls: Partial<Record<UrlField, string>>,
  at: string,
): ProviderDefinition {
  if (isCatalogProviderKey(key)) {
    if (entry.kind !== undefined) throw configError(`${at}.kind must not be set for the built-in provider ${key}`);
    const custom = CUSTOM_ONLY_FIELDS.find((field) => entry[field] !== undefined);
    if (custom) throw configError(`${at}.${custom} can be set only for custom providers`);
    return getCatalogProvider(key);
  }
  const name = entry.displayName ?? key;
  if (entry.kind === 'standard-webhooks') {
    if (entry.streams !== undefined) throw configError(`${at}.streams needs an API: kind "oauth2"`);
    return genericStandardWebhooksProvider({ key, displayName: name });
  }
  if (entry.kind !== 'oauth2')
    throw configError(`${at}.kind is required for a custom provider ("oauth2" or "standard-webhooks")`);
  const missing = (['authorizeUrl', 'tokenUrl', 'apiBaseUrl'] as const).find((field) => urls[field] === undefined);
  if (missing) throw configError(`${at}.${missing} is required for a custom oauth2 provider`);
  return genericOAuth2Provider({
    key,
    displayName: name,
    authorizeUrl: urls.authorizeUrl ?? '',
    tokenUrl: urls.tokenUrl ?? '',
    apiBaseUrl: urls.apiBaseUrl ?? '',
    ...(urls.revokeUrl !== undefined ? { revokeUrl: urls.revokeUrl } : {}),
    ...pick(entry, CUSTOM_ONLY_FIELDS),
  });
}

function applyOverrides(
  base: ProviderDefinition,
  urls: Partial<Record<UrlField, string>>,
  at: string,
): { definition: ProviderDefinition; loopbackHttp: boolean } {
  const placeholders = Object.keys(base.urlParts);
  let loopbackHttp = false;
  for (const [field, template] of Object.entries(urls)) {
    if (checkUrlTemplate(template, `${at}.${field}`, placeholders).loopbackHttp) loopbackHttp = true;
  }
  const auth = base.auth.map((spec) => overrideAuth(spec, urls));
  for (const field of ['authorizeUrl', 'revokeUrl', 'postConnectUrl', 'tokenUrl'] as const) {
    if (urls[field] !== undefined && !auth.some((spec) => field in spec)) {
      throw configError(`${at}.${field} does not apply to ${base.displayName}`);
    }
  }
  if (urls.apiBaseUrl !== undefined && base.apiBase === undefined)
    throw configError(`${at}.apiBaseUrl does not apply to ${base.displayName}`);
  const definition = { ...base, auth, ...(urls.apiBaseUrl !== undefined ? { apiBase: urls.apiBaseUrl } : {}) };
  return { definition, loopbackHttp };
}

function overrideAuth(spec: AuthSpec, urls: Partial<Record<UrlField, string>>): AuthSpec {
  if (spec.mode === 'key-password-token')
    return { ...spec, ...(urls.tokenUrl !== undefined ? { tokenUrl: urls.tokenUrl } : {}) };
  if (spec.mode !== 'oauth2') return spec;
  const overrides: Partial<Record<UrlField, string>> = {};
  for (const field of ['authorizeUrl', 'tokenUrl'] as const)
    if (urls[field] !== undefined) overrides[field] = urls[field];
  // Revoke and post-connect URLs are overridable only where the provider has them (checked by the caller).
  if (urls.revokeUrl !== undefined && spec.revokeUrl !== undefined) overrides.revokeUrl = urls.revokeUrl;
  if (urls.postConnectUrl !== undefined && spec.postConnectUrl !== undefined)
    overrides.postConnectUrl = urls.postConnectUrl;
  return { ...spec, ...overrides };
}

function resolveSecret(ref: SecretRef, field: string, env: Env, required: boolean): SecretValue | undefined {
  if (typeof ref === 'string') return new SecretValue(ref);
  const value = Object.hasOwn(env, ref.env) ? env[ref.env] : undefined;
  if (value !== undefined && value !== '') return new SecretValue(value);
  if (required) throw configError(`${field}.env ${ref.env} is not set`);
  return undefined;
}

function resolvePublicBase(template: string, at: string, bases: Bases): string {
  const value = substituteBases(template, `${at}.publicBaseUrl`, bases);
  checkUrlTemplate(value, `${at}.publicBaseUrl`, []);
  return normalizeBaseUrl(value, `${at}.publicBaseUrl`);
}

function checkRequired(
  definition: ProviderDefinition,
  entry: ProviderEntry,
  at: string,
  values: { clientId?: string; clientSecret?: SecretValue; webhookSecrets: readonly SecretValue[] },
): void {
  if (!entry.enabled) return;
  const needsClient = definition.auth.some((spec) => spec.mode === 'oauth2');
  if (needsClient && values.clientId === undefined) throw configError(`${at}.clientId is required`);
  if (needsClient && values.clientSecret === undefined) throw configError(`${at}.clientSecret is required`);
  if (definition.kind === 'standard-webhooks' && values.webhookSecrets.length === 0) {
    throw configError(`${at}.webhookSecrets is required for a standard-webhooks provider`);
  }
}

function firstOAuth(definition: ProviderDefinition): Extract<AuthSpec, { mode: 'oauth2' }> | undefined {
  return definition.auth.find((spec): spec is Extract<AuthSpec, { mode: 'oauth2' }> => spec.mode === 'oauth2');
}

function pick<T extends object, K extends keyof T>(source: T, keys: readonly K[]): Partial<Pick<T, K>> {
  const out: Partial<Pick<T, K>> = {};
  for (const key of keys) if (source[key] !== undefined) out[key] = source[key];
  return out;
}
