import { createHmac } from 'node:crypto';
import { hmacSha256Signature, parseOAuthHeader, rfc3986, signatureBaseString, signedOAuthParams } from './oauth1.js';

describe('OAuth 1.0a signing (RFC 5849)', () => {
  it('builds the RFC 5849 §3.4.1.1 example base string', () => {
    const header = parseOAuthHeader(
      'OAuth realm="Example", oauth_consumer_key="9djdj82h48djs9d2", oauth_token="kkk9d7dh3k39sjv7", oauth_signature_method="HMAC-SHA1", oauth_timestamp="137131201", oauth_nonce="7d8f3e4a", oauth_signature="bYT5CMsGcbgUdFHObYMEfcx6bsw%3D"',
    );
    if (!header) throw new Error('header did not parse');
    const params: [string, string][] = [
      ...signedOAuthParams(header),
      ['b5', '=%3D'],
      ['a3', 'a'],
      ['c@', ''],
      ['a2', 'r b'],
      ['c2', ''],
      ['a3', '2 q'],
    ];
    expect(signatureBaseString('POST', 'http://example.com/request', params)).toBe(
      'POST&http%3A%2F%2Fexample.com%2Frequest&a2%3Dr%2520b%26a3%3D2%2520q%26a3%3Da%26b5%3D%253D%25253D%26c%2540%3D%26c2%3D%26oauth_consumer_key%3D9djdj82h48djs9d2%26oauth_nonce%3D7d8f3e4a%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D137131201%26oauth_token%3Dkkk9d7dh3k39sjv7',
    );
    expect(header.get('oauth_signature')).toBe('bYT5CMsGcbgUdFHObYMEfcx6bsw=');
  });

  it('encodes reserved characters RFC 3986 style and keys HMAC with enc(cs)&enc(ts)', () => {
    expect(rfc3986("a b!*'()~")).toBe('a%20b%21%2A%27%28%29~');
    const expected = createHmac('sha256', 'c%26s&t%20s').update('base').digest('base64');
    expect(hmacSha256Signature('base', 'c&s', 't s')).toBe(expected);
    expect(parseOAuthHeader('Bearer x')).toBeUndefined();
  });
});
