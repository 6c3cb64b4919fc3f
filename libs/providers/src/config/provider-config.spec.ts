import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { fileURLToPath } from 'node:url';
import { findAuth } from '../provider-definition.js';
import { ProviderError } from '../providers.errors.js';
import { buildProviderUrl } from '../url/provider-url.js';
import {
  loadProviderConfig,
  resolveProviderConfig,
  webhookNotificationUrl,
  type ProviderConfigOptions,
} from './provider-config.loader.js';

const configDir = fileURLToPath(new URL('../../config/', import.meta.url));
const templatePath = join(configDir, 'providers.template.json');
const sandboxPath = join(configDir, 'providers.sandbox.json');
const CANARY = 'canary-secret-7f3a9c';

const templateEnv = {
  SQUARE_CLIENT_ID: 'sq-id',
  SQUARE_CLIENT_SECRET: 'sq-secret',
  SQUARE_WEBHOOK_SIGNATURE_KEY: 'sq-wh',
  SHOPIFY_CLIENT_ID: 'sh-id',
  SHOPIFY_CLIENT_SECRET: 'sh-secret',
  NETSUITE_CONSUMER_KEY: 'ns-ck',
  NETSUITE_CONSUMER_SECRET: 'ns-cs',
  ATLASSIAN_CLIENT_ID: 'at-id',
  ATLASSIAN_CLIENT_SECRET: 'at-secret',
  JIRA_WEBHOOK_SECRET: 'jira-wh',
};

function errorOf(fn: () => unknown): ProviderError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ProviderError) return error;
    throw error;
  }
  throw new Error('expected a ProviderError');
}

const resolve = (providers: Record<string, unknown>, options: Partial<ProviderConfigOptions> = {}) =>
  resolveProviderConfig({ providers }, { env: {}, ...options });

describe('loadProviderConfig: checked-in files', () => {
  it('resolves the template from the environment', () => {
    const providers = loadProviderConfig({ path: templatePath, env: templateEnv });
    const square = providers.get('square');
    expect(square?.clientId).toBe('sq-id');
    expect(square?.clientSecret?.reveal()).toBe('sq-secret');
    expect(square?.webhookSecrets.map((s) => s.reveal())).toEqual(['sq-wh']);
    expect(square?.definition.extraHeaders['Square-Version']).toBe('2026-05-20');
    expect(providers.get('shopify')?.webhookSecrets.map((s) => s.reveal())).toEqual(['sh-secret']);
    expect(providers.get('acme-oauth')?.enabled).toBe(false);
    expect(providers.get('acme-oauth')?.definition.kind).toBe('oauth2');
    expect(webhookNotificationUrl(square!, 'conn 1')).toBe('https://shelflink.example.com/webhooks/square/conn%201');
  });

  it('never prints resolved secrets', () => {
    const providers = loadProviderConfig({ path: templatePath, env: templateEnv });
    const dump = JSON.stringify([...providers.values()]) + inspect([...providers.values()], { depth: 10 });
    for (const secret of ['sq-secret', 'sq-wh', 'sh-secret', 'ns-cs', 'at-secret', 'jira-wh'])
      expect(dump).not.toContain(secret);
  });

  it('names the missing environment variable by field path', () => {
    const { SQUARE_CLIENT_SECRET: _dropped, ...env } = templateEnv;
    expect(errorOf(() => loadProviderConfig({ path: templatePath, env })).message).toContain(
      'providers.square.clientSecret.env SQUARE_CLIENT_SECRET is not set',
    );
  });

  it('points every provider at the sandbox, with loopback http allowed only there', () => {
    const providers = loadProviderConfig({
      path: sandboxPath,
      env: {},
      sandboxUrl: 'http://127.0.0.1:4010/',
      gatewayUrl: 'http://127.0.0.1:3000',
    });
    const shopify = providers.get('shopify')!;
    const oauth = findAuth(shopify.definition, 'oauth2')!;
    const opts = { allowLoopbackHttp: shopify.allowLoopbackHttp };
    expect(buildProviderUrl(oauth.authorizeUrl, { shop: 'a.myshopify.com' }, shopify.definition.urlParts, opts)).toBe(
      'http://127.0.0.1:4010/shopify/a.myshopify.com/admin/oauth/authorize',
    );
    expect(
      buildProviderUrl(shopify.definition.apiBase!, { shop: 'a.myshopify.com' }, shopify.definition.urlParts, opts),
    ).toBe('http://127.0.0.1:4010/shopify/a.myshopify.com/admin/api/2026-07');
    const netsuite = providers.get('netsuite')!;
    expect(
      buildProviderUrl(netsuite.definition.apiBase!, { accountId: '123_SB1' }, netsuite.definition.urlParts, {
        allowLoopbackHttp: true,
      }),
    ).toBe('http://127.0.0.1:4010/netsuite/123-sb1/services/rest');
    expect(findAuth(providers.get('plytix')!.definition, 'key-password-token')?.tokenUrl).toBe(
      'http://127.0.0.1:4010/plytix/auth/api/get-token',
    );
    expect(findAuth(providers.get('jira')!.definition, 'oauth2')?.postConnectUrl).toBe(
      'http://127.0.0.1:4010/atlassian/oauth/token/accessible-resources',
    );
    expect(providers.get('celigo')?.definition.apiBase).toBe('http://127.0.0.1:4010/celigo');
    expect(webhookNotificationUrl(providers.get('square')!, 'c1')).toBe('http://127.0.0.1:3000/webhooks/square/c1');
    expect(providers.get('sandbox-events')?.definition.webhook.scheme).toBe('standard-webhooks');
    expect([...providers.values()].every((p) => p.allowLoopbackHttp || p.definition.apiBase === undefined)).toBe(true);
  });

  it('refuses the sandbox file without a sandbox URL, naming the field', () => {
    expect(
      errorOf(() => loadProviderConfig({ path: sandboxPath, env: {}, gatewayUrl: 'http://127.0.0.1:3000' })).message,
    ).toContain('providers.square.authorizeUrl uses {sandbox}');
    expect(
      errorOf(() => loadProviderConfig({ path: sandboxPath, env: {}, sandboxUrl: 'http://10.0.0.5:4010' })).message,
    ).toContain('loopback');
  });

  it('does not echo file contents when the JSON is invalid or unreadable', () => {
    const dir = mkdtempSync(join(tmpdir(), 'providers-'));
    const path = join(dir, 'bad.json');
    writeFileSync(path, `{"providers": {"square": {"clientSecret": "${CANARY}"`);
    const error = errorOf(() => loadProviderConfig({ path, env: {} }));
    expect(error.message).toContain('not valid JSON');
    expect(error.message).not.toContain(CANARY);
    expect(errorOf(() => loadProviderConfig({ path: join(dir, 'missing.json'), env: {} })).code).toBe(
      'INVALID_PROVIDER_CONFIG',
    );
  });
});

describe('resolveProviderConfig: validation names fields, never secrets', () => {
  const square = { clientId: 'id', clientSecret: CANARY };

  it.each([
    ['a wrongly typed field', { square: { ...square, scopes: 'ITEMS_READ' } }, 'providers.square.scopes'],
    ['an unknown field', { square: { ...square, clientSecretValue: CANARY } }, 'providers.square'],
    [
      'an extra key in a secret ref',
      { square: { ...square, clientId: { env: 'X', value: CANARY } } },
      'providers.square.clientId',
    ],
    ['a bad env name', { square: { ...square, clientId: { env: CANARY + '!' } } }, 'providers.square.clientId'],
    [
      'http to a public host',
      { square: { ...square, tokenUrl: 'http://evil.example/token' } },
      'providers.square.tokenUrl may use http only',
    ],
    [
      'credentials in a URL',
      { square: { ...square, tokenUrl: `https://u:${CANARY}@x.example/token` } },
      'providers.square.tokenUrl must be',
    ],
    [
      'an undeclared placeholder',
      { square: { ...square, apiBaseUrl: 'https://{shop}/x' } },
      'providers.square.apiBaseUrl uses placeholder {shop}',
    ],
    [
      'an override the provider lacks',
      { jira: { ...square, revokeUrl: 'https://x.example/revoke' } },
      'providers.jira.revokeUrl does not apply',
    ],
    ['kind on a built-in', { square: { ...square, kind: 'oauth2' } }, 'providers.square.kind must not be set'],
    [
      'a custom-only field on a built-in',
      { square: { ...square, pkce: 'none' } },
      'providers.square.pkce can be set only',
    ],
    ['a custom provider without kind', { acme: { clientSecret: CANARY } }, 'providers.acme.kind is required'],
    [
      'a custom oauth2 without tokenUrl',
      { acme: { kind: 'oauth2', ...square, authorizeUrl: 'https://a.example/a', apiBaseUrl: 'https://a.example' } },
      'providers.acme.tokenUrl is required',
    ],
    ['a missing client secret', { square: { clientId: 'id' } }, 'providers.square.clientSecret is required'],
    [
      'a standard-webhooks provider without secrets',
      { hooks: { kind: 'standard-webhooks' } },
      'providers.hooks.webhookSecrets is required',
    ],
    ['a bad provider key', { 'Bad Key': {} }, 'providers.Bad Key'],
    [
      'three webhook secrets',
      { square: { ...square, webhookSecrets: ['a', 'b', 'c'] } },
      'providers.square.webhookSecrets',
    ],
  ])('refuses %s', (_name, providers, expected) => {
    const error = errorOf(() => resolve(providers));
    expect(error.code).toBe('INVALID_PROVIDER_CONFIG');
    expect(error.message).toContain(expected);
    expect(error.message).not.toContain(CANARY);
  });

  it('refuses a missing root', () => {
    expect(errorOf(() => resolveProviderConfig({}, { env: {} })).message).toContain('providers');
  });

  it('lets a disabled provider omit credentials or reference unset variables', () => {
    expect(resolve({ square: { enabled: false } }).get('square')?.enabled).toBe(false);
    const disabled = resolve({ square: { enabled: false, clientId: 'id', clientSecret: { env: 'UNSET_SECRET' } } }).get(
      'square',
    );
    expect(disabled?.clientSecret).toBeUndefined();
    expect(
      errorOf(() => resolve({ square: { clientId: 'id', clientSecret: { env: 'UNSET_SECRET' } } })).message,
    ).toContain('providers.square.clientSecret.env UNSET_SECRET is not set');
  });

  it('checks overridden URLs against the override origin', () => {
    const resolved = resolve({
      shopify: { ...square, apiBaseUrl: 'https://proxy.example/shopify/{shop}/admin/api/2026-07' },
    }).get('shopify')!;
    expect(resolved.allowLoopbackHttp).toBe(false);
    expect(
      buildProviderUrl(resolved.definition.apiBase!, { shop: 'a.myshopify.com' }, resolved.definition.urlParts),
    ).toBe('https://proxy.example/shopify/a.myshopify.com/admin/api/2026-07');
    expect(() =>
      buildProviderUrl(resolved.definition.apiBase!, { shop: 'evil.com#.myshopify.com' }, resolved.definition.urlParts),
    ).toThrow(ProviderError);
  });

  it('builds custom oauth2 providers with their own URLs and options', () => {
    const acme = resolve(
      {
        acme: {
          kind: 'oauth2',
          clientId: 'id',
          clientSecret: { env: 'ACME_SECRET' },
          authorizeUrl: 'https://auth.acme.example/authorize',
          tokenUrl: 'https://auth.acme.example/token',
          apiBaseUrl: 'https://api.acme.example',
          pkce: 'required',
          scopeSeparator: ',',
          webhookScheme: 'standard-webhooks',
          webhookSecrets: ['whsec_AAAA'],
        },
      },
      { env: { ACME_SECRET: 's' } },
    ).get('acme')!;
    const oauth = findAuth(acme.definition, 'oauth2')!;
    expect([oauth.pkce, oauth.scopeSeparator, oauth.tokenUrl, acme.definition.webhook.scheme]).toEqual([
      'required',
      ',',
      'https://auth.acme.example/token',
      'standard-webhooks',
    ]);
    expect(acme.clientSecret?.reveal()).toBe('s');
  });
});

describe('resolveProviderConfig: streams declared by a custom provider', () => {
  const stock = {
    path: '/v1/stock',
    itemsPath: 'data',
    pagination: { style: 'body-cursor', requestField: 'cursor', requestIn: 'query', responseField: 'next_cursor' },
    incremental: { requestParam: 'updated_since', itemField: 'updated_at' },
    mapping: {
      externalId: '{sku}@{warehouse_id}',
      updatedAt: 'updated_at',
      fields: { itemExternalId: 'sku', locationExternalId: 'warehouse_id', quantity: 'on_hand' },
    },
  };
  const wms = (streams: unknown, kind = 'oauth2') => ({
    wms: {
      kind,
      clientId: 'id',
      clientSecret: 's',
      authorizeUrl: 'https://auth.wms.example/authorize',
      tokenUrl: 'https://auth.wms.example/token',
      apiBaseUrl: 'https://api.wms.example',
      streams,
    },
  });

  it('carries the streams into the definition, GET by default', () => {
    const definition = resolve(wms({ inventory: stock })).get('wms')!.definition;
    expect(definition.streams.inventory).toMatchObject({ method: 'GET', path: '/v1/stock', itemsPath: 'data' });
    expect(definition.streams.inventory?.mapping?.fields.quantity).toBe('on_hand');
  });

  it('refuses a mapping without the entity’s required fields, naming the field', () => {
    const { quantity: _dropped, ...fields } = stock.mapping.fields;
    const error = errorOf(() => resolve(wms({ inventory: { ...stock, mapping: { ...stock.mapping, fields } } })));
    expect(error.message).toContain('providers.wms.streams.inventory.mapping.fields.quantity');
  });

  it('refuses what only code could follow: a nested items path, an expression parameter, streams without an API', () => {
    expect(errorOf(() => resolve(wms({ inventory: { ...stock, itemsPath: 'a.b' } }))).message).toContain('itemsPath');
    const expression = { ...stock, incremental: { requestParam: 'q:updated', itemField: 'updated_at' } };
    expect(errorOf(() => resolve(wms({ inventory: expression }))).message).toContain('requestParam');
    const inbound = {
      wms: { kind: 'standard-webhooks', webhookSecrets: ['whsec_AAAA'], streams: { inventory: stock } },
    };
    expect(errorOf(() => resolve(inbound)).message).toContain('providers.wms.streams');
    expect(errorOf(() => resolve({ square: { streams: { inventory: stock } } })).message).toContain(
      'only for custom providers',
    );
  });
});
