import { createHash, createHmac } from 'node:crypto';
import fc from 'fast-check';
import {
  apiKeyPrefixId,
  createPkcePair,
  generateApiKey,
  hashApiKey,
  pkceChallenge,
  randomToken,
  timingSafeEqualBuffers,
  timingSafeEqualStrings,
  tokenFingerprint,
  verifyApiKey,
} from './secret-hash.js';
import { SecretValue } from './secret-value.js';
import { inspect } from 'node:util';

describe('API keys', () => {
  it('generates slk_ keys with a lookup prefix and a SHA-256 hash', () => {
    const generated = generateApiKey();
    expect(generated.key).toMatch(/^slk_[A-Za-z0-9_-]{43}$/);
    expect(generated.prefixId).toBe(generated.key.slice(4, 12));
    expect(apiKeyPrefixId(generated.key)).toBe(generated.prefixId);
    expect(generated.hash).toBe(`sha256:${createHash('sha256').update(generated.key).digest('hex')}`);
    expect(verifyApiKey(generated.key, generated.hash)).toBe(true);
    expect(generateApiKey().key).not.toBe(generated.key);
  });

  it('uses HMAC with a pepper and needs the same pepper to verify', () => {
    const generated = generateApiKey('pepper-1');
    expect(generated.hash).toBe(`hmac-sha256:${createHmac('sha256', 'pepper-1').update(generated.key).digest('hex')}`);
    expect(verifyApiKey(generated.key, generated.hash, 'pepper-1')).toBe(true);
    expect(verifyApiKey(generated.key, generated.hash, 'pepper-2')).toBe(false);
    expect(verifyApiKey(generated.key, generated.hash)).toBe(false);
    expect(verifyApiKey(generated.key, hashApiKey(generated.key), 'pepper-1')).toBe(false);
  });

  it('rejects wrong keys and malformed hashes without throwing', () => {
    const { key, hash } = generateApiKey();
    expect(verifyApiKey(`${key}x`, hash)).toBe(false);
    expect(verifyApiKey(key, 'sha256:abc')).toBe(false);
    expect(verifyApiKey(key, '')).toBe(false);
    expect(verifyApiKey(key, hash.toUpperCase())).toBe(false);
    expect(apiKeyPrefixId('slk_short')).toBeUndefined();
    expect(apiKeyPrefixId(`sk_${key.slice(4)}`)).toBeUndefined();
  });
});

describe('randomToken', () => {
  it('returns base64url of the requested size and refuses silly sizes', () => {
    expect(Buffer.from(randomToken(), 'base64url')).toHaveLength(32);
    expect(randomToken(16)).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(() => randomToken(0)).toThrow('bytes');
    expect(() => randomToken(1.5)).toThrow('bytes');
  });
});

describe('PKCE', () => {
  it('matches the RFC 7636 appendix B vector', () => {
    expect(pkceChallenge('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toBe(
      'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    );
  });

  it('creates 43-char verifiers whose challenge is S256', () => {
    const pair = createPkcePair();
    expect(pair.verifier).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(pair.method).toBe('S256');
    expect(pair.challenge).toBe(createHash('sha256').update(pair.verifier).digest('base64url'));
  });

  it('refuses verifiers outside 43-128 unreserved characters', () => {
    expect(() => pkceChallenge('a'.repeat(42))).toThrow('verifier');
    expect(() => pkceChallenge('a'.repeat(129))).toThrow('verifier');
    expect(() => pkceChallenge(`${'a'.repeat(42)}+`)).toThrow('verifier');
    expect(pkceChallenge('~'.repeat(128))).toHaveLength(43);
  });
});

describe('tokenFingerprint', () => {
  it('is the first 128 bits of SHA-256 in hex: stable, distinct per token, never the token', () => {
    const token = 'EAAAEexample-square-access-token';
    expect(tokenFingerprint(token)).toBe(createHash('sha256').update(token).digest('hex').slice(0, 32));
    expect(tokenFingerprint(token)).toMatch(/^[0-9a-f]{32}$/);
    expect(tokenFingerprint(`${token}x`)).not.toBe(tokenFingerprint(token));
    expect(tokenFingerprint('')).toHaveLength(32);
  });
});

describe('timing-safe equality', () => {
  it('agrees with === for any strings and never throws on length mismatch', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (a, b) => {
        expect(timingSafeEqualStrings(a, b)).toBe(a === b);
        expect(timingSafeEqualStrings(a, a)).toBe(true);
      }),
    );
    expect(timingSafeEqualBuffers(Buffer.from('ab'), Buffer.from('abc'))).toBe(false);
    expect(timingSafeEqualBuffers(Buffer.from('abc'), Buffer.from('abc'))).toBe(true);
  });
});

describe('SecretValue', () => {
  it('reveals on request only', () => {
    const secret = new SecretValue('canary-123');
    expect(secret.reveal()).toBe('canary-123');
    expect(String(secret)).toBe('[redacted]');
    expect(JSON.stringify({ secret })).toBe('{"secret":"[redacted]"}');
    expect(inspect({ secret }, { showHidden: true })).not.toContain('canary-123');
  });
});
