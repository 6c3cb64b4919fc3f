import { pathTemplate, urlTemplate } from './path-template.js';

describe('pathTemplate', () => {
  it.each([
    ['/v2/locations', '/v2/locations'],
    ['/v2/orders/3f1c9e1a-5f6b-4a51-9d0e-2b0c1d2e3f40', '/v2/orders/{uuid}'],
    ['/v2/locations/L88917AVBK2S5', '/v2/locations/{id}'],
    ['/v2/merchants/MLDEMOACCT', '/v2/merchants/{id}'],
    ['/admin/api/2024-10/orders/450789469.json', '/admin/api/2024-10/orders/{n}.json'],
    ['/rest/api/3/issue/PROJ-123', '/rest/api/{n}/issue/{id}'],
    ['/services/rest/record/v1/salesOrder/77', '/services/rest/record/v1/salesOrder/{n}'],
    ['/oauth2/token', '/oauth2/token'],
    ['/customers/jane.doe%40example.com', '/customers/{email}'],
    ['/v1/tokens/eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.abc', '/v1/tokens/{id}'],
    ['/broken/%E0%A4%A', '/broken/{id}'],
  ])('%s → %s', (path, template) => {
    expect(pathTemplate(path)).toBe(template);
  });

  it('keeps only the query keys, never a value', () => {
    expect(pathTemplate('/v2/catalog/list?cursor=abc123secret&types=ITEM&cursor=x')).toBe(
      '/v2/catalog/list?cursor&types',
    );
    expect(pathTemplate('/x?access_token=cnrysecret&9f8e7d6c5b4a3928=1')).toBe('/x?access_token&{key}');
  });

  it('splits an absolute URL into host and template, dropping user info', () => {
    expect(urlTemplate('https://user:pw@shop-1.myshopify.com:8443/admin/oauth/access_token?code=s3cr3t')).toEqual({
      host: 'shop-1.myshopify.com:8443',
      path: '/admin/oauth/access_token?code',
    });
    expect(urlTemplate('not a url')).toEqual({ host: '', path: '{invalid}' });
  });
});
