import { createHmac } from 'node:crypto';
import { decodeFormPairs, hmacSignature, normalizeParameters, percentEncode, signatureBaseString } from './oauth1.js';
import { signTbaRequest } from './tba-signer.js';

describe('RFC 5849 building blocks', () => {
  it('percent-encodes per RFC 3986', () => {
    expect(percentEncode("Ladies + Gentlemen!*'()")).toBe('Ladies%20%2B%20Gentlemen%21%2A%27%28%29');
    expect(percentEncode('-._~azAZ09')).toBe('-._~azAZ09');
    expect(percentEncode('☃')).toBe('%E2%98%83');
  });

  it('reproduces the §3.4.1.3.2 normalized parameters and §3.4.1.1 base string', () => {
    const oauth: [string, string][] = [
      ['oauth_consumer_key', '9djdj82h48djs9d2'],
      ['oauth_token', 'kkk9d7dh3k39sjv7'],
      ['oauth_signature_method', 'HMAC-SHA1'],
      ['oauth_timestamp', '137131201'],
      ['oauth_nonce', '7d8f3e4a'],
    ];
    const body = decodeFormPairs('c2&a3=2+q');
    const url = 'http://example.com/request?b5=%3D%253D&a3=a&c%40=&a2=r%20b';
    const query = decodeFormPairs('b5=%3D%253D&a3=a&c%40=&a2=r%20b');
    expect(normalizeParameters([...query, ...body, ...oauth])).toBe(
      'a2=r%20b&a3=2%20q&a3=a&b5=%3D%253D&c%40=&c2=&oauth_consumer_key=9djdj82h48djs9d2&oauth_nonce=7d8f3e4a&oauth_signature_method=HMAC-SHA1&oauth_timestamp=137131201&oauth_token=kkk9d7dh3k39sjv7',
    );
    expect(signatureBaseString('post', url, [...oauth, ...body])).toBe(
      'POST&http%3A%2F%2Fexample.com%2Frequest&a2%3Dr%2520b%26a3%3D2%2520q%26a3%3Da%26b5%3D%253D%25253D%26c%2540%3D%26c2%3D%26oauth_consumer_key%3D9djdj82h48djs9d2%26oauth_nonce%3D7d8f3e4a%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D137131201%26oauth_token%3Dkkk9d7dh3k39sjv7',
    );
  });

  it('reproduces the §1.2 HMAC-SHA1 signature (photos example)', () => {
    const base = signatureBaseString('GET', 'http://photos.example.net/photos?file=vacation.jpg&size=original', [
      ['oauth_consumer_key', 'dpf43f3p2l4k3l03'],
      ['oauth_token', 'nnch734d00sl2jdk'],
      ['oauth_signature_method', 'HMAC-SHA1'],
      ['oauth_timestamp', '137131202'],
      ['oauth_nonce', 'chapoH'],
    ]);
    expect(hmacSignature('sha1', base, 'kd94hf93k423kf44', 'pfkkdhi9sl3r4s00')).toBe('MdpQcU8iPSUjWoN/UDMsK2sui9I=');
  });

  it('drops default ports and lower-cases scheme and host in the base string URI', () => {
    const base = signatureBaseString('GET', 'HTTPS://Example.COM:443/Path?x=1', []);
    expect(base).toBe('GET&https%3A%2F%2Fexample.com%2FPath&x%3D1');
  });
});

describe('signTbaRequest', () => {
  const request = {
    method: 'GET',
    url: 'https://1234567-sb1.suitetalk.api.netsuite.com/services/rest/record/v1/salesOrder?limit=10&offset=0&q=lastModifiedDate ON_OR_AFTER "01/15/2026"',
    realm: '1234567_SB1',
    consumerKey: 'ck',
    consumerSecret: 'cs+/=',
    tokenId: 'tk',
    tokenSecret: 'ts&',
    nonce: 'abc123XYZ',
    timestamp: 1767225600,
  };

  it('signs with HMAC-SHA256 over query and oauth parameters (independently computed)', () => {
    const header = signTbaRequest(request);
    const base = [
      'GET',
      encodeURIComponent('https://1234567-sb1.suitetalk.api.netsuite.com/services/rest/record/v1/salesOrder'),
      encodeURIComponent(
        [
          'limit=10',
          'oauth_consumer_key=ck',
          'oauth_nonce=abc123XYZ',
          'oauth_signature_method=HMAC-SHA256',
          'oauth_timestamp=1767225600',
          'oauth_token=tk',
          'oauth_version=1.0',
          'offset=0',
          `q=${encodeURIComponent('lastModifiedDate ON_OR_AFTER "01/15/2026"')}`,
        ].join('&'),
      ),
    ].join('&');
    const expected = createHmac('sha256', `${encodeURIComponent('cs+/=')}&${encodeURIComponent('ts&')}`)
      .update(base)
      .digest('base64');
    expect(header).toBe(
      'OAuth realm="1234567_SB1", oauth_consumer_key="ck", oauth_token="tk", oauth_signature_method="HMAC-SHA256", ' +
        `oauth_timestamp="1767225600", oauth_nonce="abc123XYZ", oauth_version="1.0", oauth_signature="${encodeURIComponent(expected)}"`,
    );
  });

  it('matches a fixed vector computed separately with Python hmac + urllib.parse.quote', () => {
    expect(signTbaRequest(request)).toContain(
      'oauth_signature="844DtrSPaF5CD%2F%2BA%2F8iXvi2%2Ba3tX%2BY105PI9CtrV7cg%3D"',
    );
  });

  it('changes with every signed input and never contains the secrets', () => {
    const base = signTbaRequest(request);
    for (const change of [
      { method: 'POST' },
      { url: `${request.url}&x=1` },
      { nonce: 'other1' },
      { timestamp: 1 },
      { tokenSecret: 'x' },
    ]) {
      expect(signTbaRequest({ ...request, ...change })).not.toBe(base);
    }
    expect(signTbaRequest({ ...request, realm: 'OTHER' }).split('oauth_signature=')[1]).toBe(
      base.split('oauth_signature=')[1],
    );
    expect(base).not.toContain('cs+/=');
    expect(base).not.toContain(encodeURIComponent('cs+/='));
  });

  it('creates random alphanumeric nonces and a current timestamp by default', () => {
    const header = signTbaRequest({ ...request, nonce: undefined, timestamp: undefined });
    expect(header).toMatch(/oauth_nonce="[A-Za-z0-9]{32}"/);
    const ts = Number(/oauth_timestamp="(\d+)"/.exec(header)?.[1]);
    expect(Math.abs(ts - Date.now() / 1000)).toBeLessThan(600);
  });
});
