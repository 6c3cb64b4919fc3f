import { BusError } from '@shelflink/contracts';
import { checkProxyPath, forwardedHeaders, returnedHeaders, urlUnderBase } from './proxy-request.guard.js';

const reasonOf = (run: () => unknown): string | undefined => {
  try {
    run();
  } catch (error) {
    return error instanceof BusError ? error.reason : 'not a BusError';
  }
  return undefined;
};

describe('proxy request guard', () => {
  it('keeps a relative path with its query', () => {
    expect(checkProxyPath('/v2/locations?limit=10&cursor=a%2Fb')).toBe('/v2/locations?limit=10&cursor=a%2Fb');
    expect(urlUnderBase('https://shop.example/admin/api/2026-07', '/orders.json?limit=5')).toBe(
      'https://shop.example/admin/api/2026-07/orders.json?limit=5',
    );
  });

  it.each([
    ['../etc/passwd'],
    ['/v2/../../admin'],
    ['/v2/./locations'],
    ['/v2/%2e%2e/admin'],
    ['/v2/%2E%2e/admin'],
    ['/v2%2fadmin'],
    ['/v2%5cadmin'],
    ['https://evil.com/v2/locations'],
    ['//evil.com/v2/locations'],
    ['/\\evil.com'],
    ['/v2/locations\r\nX-Injected: 1'],
    ['/v2/locations?x=1%0d%0aX-Injected:%201'],
    ['/v2/locations\u0000'],
    ['/v2/locations#frag'],
    ['/v2/loc ations'],
    ['v2/locations'],
  ])('refuses %j with INVALID_PATH', (path) => {
    expect(reasonOf(() => checkProxyPath(path))).toBe('INVALID_PATH');
  });

  it('refuses a path the URL parser would take off the API base', () => {
    expect(reasonOf(() => urlUnderBase('https://shop.example/admin/api/2026-07', '/../x'))).toBe('INVALID_PATH');
  });

  it('forwards only allow-listed headers, never auth, and refuses CRLF in a value', () => {
    expect(
      forwardedHeaders({
        Accept: 'application/json',
        Authorization: 'Bearer stolen',
        'X-Shopify-Access-Token': 'x',
        Cookie: 'a=b',
        Host: 'evil.com',
        'Idempotency-Key': 'k1',
      }),
    ).toEqual({ accept: 'application/json', 'idempotency-key': 'k1' });
    expect(reasonOf(() => forwardedHeaders({ accept: 'a\r\nX-Injected: 1' }))).toBe('INVALID_HEADER');
    expect(reasonOf(() => forwardedHeaders({ 'x-evil\n': 'a' }))).toBe('INVALID_HEADER');
  });

  it('returns response headers minus hop-by-hop, framing, auth and cookies', () => {
    const headers = new Headers({
      'content-type': 'application/json',
      link: '<https://x/y?page_info=1>; rel="next"',
      connection: 'keep-alive, x-hop',
      'x-hop': '1',
      'transfer-encoding': 'chunked',
      'set-cookie': 'session=secret',
      'www-authenticate': 'Bearer',
      'x-request-id': 'r1',
    });
    expect(returnedHeaders(headers)).toEqual({
      'content-type': 'application/json',
      link: '<https://x/y?page_info=1>; rel="next"',
      'x-request-id': 'r1',
    });
  });
});
