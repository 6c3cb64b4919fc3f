import { checkUrlTemplate } from '../config/url-template.js';
import { findAuth } from '../provider-definition.js';
import { buildProviderUrl, templatePlaceholders } from '../url/provider-url.js';
import { PROVIDER_CATALOG, getCatalogProvider, isCatalogProviderKey } from './catalog.js';

const SAMPLE: Record<string, string> = {
  shop: 'demo.myshopify.com',
  accountId: '1234567_SB1',
  cloudId: '11223344-a1b2-3b33-c444-def123456789',
  region: 'eu',
};

function templatesOf(key: keyof typeof PROVIDER_CATALOG): string[] {
  const definition = PROVIDER_CATALOG[key];
  const urls = [definition.apiBase];
  for (const auth of definition.auth) {
    if (auth.mode === 'oauth2') urls.push(auth.authorizeUrl, auth.tokenUrl, auth.revokeUrl, auth.postConnectUrl);
    if (auth.mode === 'key-password-token') urls.push(auth.tokenUrl);
  }
  return urls.filter((url): url is string => url !== undefined);
}

describe('provider catalog', () => {
  const keys = Object.keys(PROVIDER_CATALOG) as (keyof typeof PROVIDER_CATALOG)[];

  it('holds the six built-in providers under their own keys', () => {
    expect(keys).toEqual(['square', 'shopify', 'netsuite', 'plytix', 'jira', 'celigo']);
    for (const key of keys) expect(PROVIDER_CATALOG[key].key).toBe(key);
    expect(isCatalogProviderKey('toString')).toBe(false);
    expect(() => getCatalogProvider('nope')).toThrow('unknown provider');
  });

  it.each(keys)('%s: every URL template is https, declares its placeholders and builds', (key) => {
    const definition = PROVIDER_CATALOG[key];
    for (const template of templatesOf(key)) {
      expect(checkUrlTemplate(template, key, Object.keys(definition.urlParts))).toEqual({ loopbackHttp: false });
      const url = new URL(buildProviderUrl(template, SAMPLE, definition.urlParts));
      expect(url.protocol).toBe('https:');
      for (const name of templatePlaceholders(template)) expect(definition.urlParts[name]).toBeDefined();
    }
    expect(definition.testConnection?.path.startsWith('/')).toBe(true);
  });

  it('captures the per-provider quirks', () => {
    const square = findAuth(PROVIDER_CATALOG.square, 'oauth2')!;
    expect([square.authorizeParams.session, square.tokenResponse.expiry, square.scopeSeparator]).toEqual([
      'false',
      'expires_at',
      ' ',
    ]);
    const shopify = findAuth(PROVIDER_CATALOG.shopify, 'oauth2')!;
    expect([shopify.scopeSeparator, shopify.expiringOfflineTokens, shopify.refresh, shopify.requestAuth]).toEqual([
      ',',
      true,
      'rotating',
      { kind: 'header', header: 'X-Shopify-Access-Token', format: '{token}' },
    ]);
    const jira = findAuth(PROVIDER_CATALOG.jira, 'oauth2')!;
    expect(jira.authorizeParams).toEqual({ audience: 'api.atlassian.com', prompt: 'consent' });
    expect(jira.postConnectHook).toBe('atlassian-accessible-resources');
    expect(PROVIDER_CATALOG.netsuite.auth.map((a) => a.mode)).toEqual(['tba', 'oauth2']);
    expect(findAuth(PROVIDER_CATALOG.netsuite, 'oauth2')).toMatchObject({
      tokenRequestEncoding: 'form',
      clientAuth: 'basic',
    });
    expect(findAuth(PROVIDER_CATALOG.plytix, 'key-password-token')?.accessTokenPath).toBe('data.0.access_token');
    expect(PROVIDER_CATALOG.celigo.auth.map((a) => a.mode)).toEqual(['static-bearer']);
    expect(PROVIDER_CATALOG.shopify.rateLimit.defaultBudget).toEqual({
      kind: 'leaky-bucket',
      capacity: 40,
      leakPerSecond: 2,
    });
    expect(PROVIDER_CATALOG.square.streams.orders?.pagination.style).toBe('body-cursor');
    expect(PROVIDER_CATALOG.shopify.streams.orders?.pagination.style).toBe('link-header');
    expect(PROVIDER_CATALOG.netsuite.streams.orders?.pagination.style).toBe('offset-hasmore');
    expect(PROVIDER_CATALOG.jira.extraStreams?.issues?.pagination.style).toBe('next-page-token');
    expect(PROVIDER_CATALOG.plytix.streams.products?.pagination.style).toBe('next-page-url');
    expect(PROVIDER_CATALOG.celigo.extraStreams?.jobs?.pagination.style).toBe('link-header');
  });
});
