import { ProviderError } from '../providers.errors.js';
import { buildProviderUrl, isLoopbackHost } from './provider-url.js';
import {
  ATLASSIAN_CLOUD_ID_PART,
  CELIGO_REGION_PART,
  NETSUITE_ACCOUNT_PART,
  SHOP_PART,
  netsuiteRealm,
  type UrlPartSpecs,
} from './url-parts.js';

const specs: UrlPartSpecs = {
  shop: SHOP_PART,
  accountId: NETSUITE_ACCOUNT_PART,
  cloudId: ATLASSIAN_CLOUD_ID_PART,
  region: CELIGO_REGION_PART,
};

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
    return undefined;
  } catch (error) {
    return error instanceof ProviderError ? error.code : 'other';
  }
}

// Hostile values every placeholder must refuse.
const HOSTILE = [
  '',
  ' ',
  'evil.com#.myshopify.com',
  'x.evil.com/',
  'shop.myshopify.com.evil.com',
  'shop%2emyshopify.com',
  'shop.myshopify.com%2F',
  '\u0455hop.myshopify.com',
  'ｓhop.myshopify.com',
  'shop.myshopify.com\n',
  ' shop.myshopify.com',
  'user@shop.myshopify.com',
  'shop.myshopify.com@evil.com',
  'shop.myshopify.com:8080',
  '../shop.myshopify.com',
  'shop.myshopify.com/../../evil',
  'shop.myshopify.com?x=1',
  '-shop.myshopify.com',
  `${'a'.repeat(64)}.myshopify.com`,
];

describe('buildProviderUrl: shop', () => {
  const template = 'https://{shop}/admin/oauth/authorize';

  it('substitutes a valid shop domain', () => {
    expect(buildProviderUrl(template, { shop: 'my-shop-1.myshopify.com' }, specs)).toBe(
      'https://my-shop-1.myshopify.com/admin/oauth/authorize',
    );
  });

  it.each(HOSTILE.map((v) => [JSON.stringify(v), v]))('refuses %s', (_label, value) => {
    expect(codeOf(() => buildProviderUrl(template, { shop: value }, specs))).toBe('INVALID_URL_PART');
  });

  it('refuses upper case (no silent normalisation)', () => {
    expect(codeOf(() => buildProviderUrl(template, { shop: 'Shop.myshopify.com' }, specs))).toBe('INVALID_URL_PART');
    expect(codeOf(() => buildProviderUrl(template, { shop: 'shop.MYSHOPIFY.com' }, specs))).toBe('INVALID_URL_PART');
  });

  it('does not echo the hostile value in the error', () => {
    try {
      buildProviderUrl(template, { shop: 'evil.com#.myshopify.com' }, specs);
    } catch (error) {
      expect(String(error)).toContain('{shop}');
      expect(String(error)).not.toContain('evil.com');
    }
    expect.assertions(2);
  });
});

describe('buildProviderUrl: NetSuite account id', () => {
  const template = 'https://{accountId}.suitetalk.api.netsuite.com/services/rest';

  it.each([
    ['1234567', 'https://1234567.suitetalk.api.netsuite.com/services/rest'],
    ['1234567_SB1', 'https://1234567-sb1.suitetalk.api.netsuite.com/services/rest'],
    ['1234567_sb2', 'https://1234567-sb2.suitetalk.api.netsuite.com/services/rest'],
    ['TSTDRV1234567', 'https://tstdrv1234567.suitetalk.api.netsuite.com/services/rest'],
  ])('renders %s in hostname form', (value, expected) => {
    expect(buildProviderUrl(template, { accountId: value }, specs)).toBe(expected);
  });

  it.each([...HOSTILE, '1234567-sb1', '1234567_SB1.evil.com', '1234567_XX1', '１２３４５６７', '1234567 ', '12345%2e'])(
    'refuses %j',
    (value) => {
      expect(codeOf(() => buildProviderUrl(template, { accountId: value }, specs))).toBe('INVALID_URL_PART');
    },
  );

  it('gives the realm in upper case with underscores', () => {
    expect(netsuiteRealm('1234567_sb1')).toBe('1234567_SB1');
    expect(netsuiteRealm('1234567-sb1')).toBe('1234567_SB1');
  });
});

describe('buildProviderUrl: cloudId and region', () => {
  const cloudId = '11223344-a1b2-3b33-c444-def123456789';

  it('accepts a lowercase UUID in the path and refuses anything else', () => {
    expect(buildProviderUrl('https://api.atlassian.com/ex/jira/{cloudId}', { cloudId }, specs)).toBe(
      `https://api.atlassian.com/ex/jira/${cloudId}`,
    );
    for (const bad of [
      ...HOSTILE,
      cloudId.toUpperCase(),
      `${cloudId}/../x`,
      `${cloudId}%2F`,
      cloudId.replace(/-/g, ''),
    ]) {
      expect(
        codeOf(() => buildProviderUrl('https://api.atlassian.com/ex/jira/{cloudId}', { cloudId: bad }, specs)),
      ).toBe('INVALID_URL_PART');
    }
  });

  it('renders Celigo regions as hosts and refuses others', () => {
    expect(buildProviderUrl('https://{region}.integrator.io/v1/tokenInfo', { region: 'na' }, specs)).toBe(
      'https://api.integrator.io/v1/tokenInfo',
    );
    expect(buildProviderUrl('https://{region}.integrator.io', { region: 'eu' }, specs)).toBe(
      'https://api.eu.integrator.io/',
    );
    for (const bad of ['NA', 'us', 'eu.evil.com/', '', 'na ']) {
      expect(codeOf(() => buildProviderUrl('https://{region}.integrator.io', { region: bad }, specs))).toBe(
        'INVALID_URL_PART',
      );
    }
  });
});

describe('buildProviderUrl: template and origin rules', () => {
  it('refuses placeholders the provider does not declare, and missing values', () => {
    expect(codeOf(() => buildProviderUrl('https://{tenant}.example.com', { tenant: 'a' }, specs))).toBe(
      'INVALID_URL_PART',
    );
    expect(codeOf(() => buildProviderUrl('https://{shop}/x', {}, specs))).toBe('INVALID_URL_PART');
    expect(codeOf(() => buildProviderUrl('https://{shop}/x', { shop: 'a.myshopify.com' }, {}))).toBe(
      'INVALID_URL_PART',
    );
  });

  it('refuses a spec pattern that would let a hostile value change the origin', () => {
    const loose: UrlPartSpecs = { host: { pattern: /[a-z]/, description: 'loose' } };
    expect(codeOf(() => buildProviderUrl('https://{host}/x', { host: 'evil.com#.a' }, loose))).toBe('INVALID_URL_PART');
    const unanchoredButFull: UrlPartSpecs = { host: { pattern: /[a-z.@#]+/, description: 'loose' } };
    expect(codeOf(() => buildProviderUrl('https://{host}/x', { host: 'a@evil.com' }, unanchoredButFull))).toBe(
      'URL_ORIGIN_MISMATCH',
    );
    expect(codeOf(() => buildProviderUrl('https://{host}/x', { host: 'evil.com#.shop' }, unanchoredButFull))).toBe(
      'URL_ORIGIN_MISMATCH',
    );
  });

  it('refuses non-http templates and plain http to non-loopback hosts', () => {
    expect(codeOf(() => buildProviderUrl('ftp://x/{shop}', { shop: 'a.myshopify.com' }, specs))).toBe(
      'INVALID_URL_TEMPLATE',
    );
    expect(codeOf(() => buildProviderUrl('http://example.com/x', {}, specs, { allowLoopbackHttp: true }))).toBe(
      'URL_ORIGIN_MISMATCH',
    );
    expect(codeOf(() => buildProviderUrl('http://127.0.0.1:4010/x', {}, specs))).toBe('URL_ORIGIN_MISMATCH');
  });

  it('allows loopback http for sandbox overrides and checks the override origin', () => {
    const url = buildProviderUrl(
      'http://127.0.0.1:4010/shopify/{shop}/admin/oauth/authorize',
      { shop: 'a.myshopify.com' },
      specs,
      {
        allowLoopbackHttp: true,
      },
    );
    expect(url).toBe('http://127.0.0.1:4010/shopify/a.myshopify.com/admin/oauth/authorize');
  });

  it('knows loopback hosts', () => {
    expect(['localhost', '127.0.0.1', '127.1.2.3', '[::1]'].every(isLoopbackHost)).toBe(true);
    expect(['127.0.0.1.evil.com', '10.0.0.1', 'localhost.evil.com', '0.0.0.0'].some(isLoopbackHost)).toBe(false);
  });
});
