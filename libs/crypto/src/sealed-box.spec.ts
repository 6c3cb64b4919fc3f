import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { CryptoError } from './crypto.errors.js';
import { parseKeyring } from './keyring.js';
import { encodeAad, formatSealed, needsRewrap, open, parseSealed, rewrap, seal } from './sealed-box.js';

const b64 = (): string => randomBytes(32).toString('base64');
const keys = { k1: b64(), k2: b64(), k3: b64() };
const ringText = `k1:${keys.k1},k2:${keys.k2}`;
const ring = parseKeyring({ keys: ringText, activeKeyId: 'k2' });
const aad = { tenantId: 't1', connectionId: 'c1', field: 'accessToken' };

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
    return undefined;
  } catch (error) {
    return error instanceof CryptoError ? error.code : 'not-a-crypto-error';
  }
}

function flipBit(buffer: Buffer, bit: number): Buffer {
  const copy = Buffer.from(buffer);
  const index = Math.floor(bit / 8) % copy.length;
  copy[index] = (copy[index] ?? 0) ^ (1 << (bit % 8));
  return copy;
}

describe('seal/open', () => {
  it('round-trips arbitrary well-formed strings (unicode, empty, long)', () => {
    const text = fc.oneof(
      fc.string({ unit: 'grapheme', maxLength: 200 }),
      fc.string({ unit: 'binary', maxLength: 200 }),
      fc.constant(''),
      fc.string({ minLength: 10_000, maxLength: 20_000 }),
    );
    fc.assert(
      fc.property(text, fc.string({ minLength: 1 }), (plaintext, tenantId) => {
        const context = { ...aad, tenantId };
        expect(open(ring, seal(ring, plaintext, context), context)).toBe(plaintext);
      }),
      { numRuns: 300 },
    );
  });

  it('stores the active key id and the v1 compact shape', () => {
    const sealed = seal(ring, 'hello', aad);
    expect(sealed).toMatch(/^v1\.k2\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{22}$/);
    expect(parseSealed(sealed).keyId).toBe('k2');
  });

  it('seals the empty string to an empty ciphertext that still opens', () => {
    const sealed = seal(ring, '', aad);
    expect(parseSealed(sealed).ciphertext.length).toBe(0);
    expect(open(ring, sealed, aad)).toBe('');
  });

  it('refuses to open under any other tenant, connection or field', () => {
    const sealed = seal(ring, 'secret', aad);
    for (const other of [
      { ...aad, tenantId: 't2' },
      { ...aad, connectionId: 'c2' },
      { ...aad, field: 'refreshToken' },
    ]) {
      expect(codeOf(() => open(ring, sealed, other))).toBe('DECRYPT_FAILED');
    }
  });

  it('encodes AAD canonically so shifted boundaries differ', () => {
    const a = encodeAad({ tenantId: 'a', connectionId: 'bc', field: 'f' });
    const b = encodeAad({ tenantId: 'ab', connectionId: 'c', field: 'f' });
    expect(a.equals(b)).toBe(false);
    const sealed = seal(ring, 'x', { tenantId: 'a', connectionId: 'bc', field: 'f' });
    expect(codeOf(() => open(ring, sealed, { tenantId: 'ab', connectionId: 'c', field: 'f' }))).toBe('DECRYPT_FAILED');
    expect(codeOf(() => encodeAad({ tenantId: '', connectionId: 'c', field: 'f' }))).toBe('INVALID_INPUT');
  });

  it('fails on any single flipped bit in iv, ciphertext or tag, with no output', () => {
    const sealed = seal(ring, 'a token worth protecting', aad);
    const parts = parseSealed(sealed);
    fc.assert(
      fc.property(fc.constantFrom('iv', 'ciphertext', 'tag'), fc.nat(10_000), (part, bit) => {
        const tampered = formatSealed({ ...parts, [part]: flipBit(parts[part], bit) });
        expect(codeOf(() => open(ring, tampered, aad))).toBe('DECRYPT_FAILED');
      }),
      { numRuns: 300 },
    );
  });

  it('reports malformed input with MALFORMED', () => {
    const sealed = seal(ring, 'x', aad);
    const [v, id, iv, ct, tag] = sealed.split('.');
    for (const bad of [
      '',
      'garbage',
      `v2.${id}.${iv}.${ct}.${tag}`,
      `${v}.${id}.${iv}.${ct}`,
      `${v}.${id}.${iv}.${ct}.${tag}.x`,
      `${v}.${id}.${iv?.slice(2)}.${ct}.${tag}`,
      `${v}.${id}.${iv}.${ct}.${tag?.slice(4)}`,
      `${v}.${id}.${iv}.${ct}+.${tag}`,
      `${v}.${id}.${iv}=.${ct}.${tag}`,
      `${v}.bad id.${iv}.${ct}.${tag}`,
    ]) {
      expect(codeOf(() => open(ring, bad, aad))).toBe('MALFORMED');
    }
  });

  it('refuses unknown and retired keys, and tells when a rewrap is due', () => {
    const oldRing = parseKeyring({ keys: ringText, activeKeyId: 'k1' });
    const underK1 = seal(oldRing, 'v', aad);
    expect(needsRewrap(underK1, ring)).toBe(true);
    expect(needsRewrap(seal(ring, 'v', aad), ring)).toBe(false);
    const rewrapped = rewrap(ring, underK1, aad);
    expect(parseSealed(rewrapped).keyId).toBe('k2');
    expect(open(ring, rewrapped, aad)).toBe('v');

    const k3Only = parseKeyring({ keys: `k3:${keys.k3}`, activeKeyId: 'k3' });
    expect(codeOf(() => open(k3Only, underK1, aad))).toBe('UNKNOWN_KEY');
    const retiring = parseKeyring({ keys: ringText, activeKeyId: 'k2', retired: ['k1'] });
    expect(codeOf(() => open(retiring, underK1, aad))).toBe('KEY_RETIRED');
  });

  it('fails closed when the same key id holds a different key', () => {
    const sealed = seal(ring, 'v', aad);
    const impostor = parseKeyring({ keys: `k2:${keys.k3}`, activeKeyId: 'k2' });
    expect(codeOf(() => open(impostor, sealed, aad))).toBe('DECRYPT_FAILED');
  });

  it('refuses plaintext with lone surrogates rather than altering it', () => {
    expect(codeOf(() => seal(ring, 'a\uD800b', aad))).toBe('INVALID_INPUT');
  });

  it('never repeats an IV over 100k encryptions', () => {
    const ivs = new Set<string>();
    for (let i = 0; i < 100_000; i += 1) ivs.add(seal(ring, '', aad).split('.')[2] ?? '');
    expect(ivs.size).toBe(100_000);
  });
});
