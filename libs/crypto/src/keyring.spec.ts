import { inspect } from 'node:util';
import { randomBytes } from 'node:crypto';
import { CryptoError } from './crypto.errors.js';
import { parseKeyring } from './keyring.js';

const k1 = randomBytes(32).toString('base64');
const k2 = randomBytes(32).toString('base64url');

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
    return undefined;
  } catch (error) {
    return error instanceof CryptoError ? error.code : 'not-a-crypto-error';
  }
}

function messageOf(fn: () => unknown): string {
  try {
    fn();
    return '';
  } catch (error) {
    return error instanceof Error ? error.message : '';
  }
}

describe('parseKeyring', () => {
  it('parses ids, keys and the active id, accepting base64 and base64url', () => {
    const ring = parseKeyring({ keys: ` k1:${k1} , k2:${k2}`, activeKeyId: 'k2', retired: ['old'] });
    expect(ring.activeKeyId).toBe('k2');
    expect(ring.keyIds).toEqual(['k1', 'k2']);
    expect(ring.keyFor('k1')?.equals(Buffer.from(k1, 'base64'))).toBe(true);
    expect(ring.isRetired('old')).toBe(true);
    expect(ring.isRetired('k1')).toBe(false);
  });

  it('accepts retired ids as comma text', () => {
    expect(parseKeyring({ keys: `k1:${k1}`, activeKeyId: 'k1', retired: 'a, b' }).isRetired('b')).toBe(true);
  });

  it.each([
    ['empty', { keys: '  ', activeKeyId: 'k1' }, 'KEYRING_EMPTY'],
    ['no colon', { keys: k1, activeKeyId: 'k1' }, 'KEYRING_MALFORMED'],
    ['bad id', { keys: `k 1:${k1}`, activeKeyId: 'k1' }, 'KEYRING_MALFORMED'],
    ['id with dot', { keys: `k.1:${k1}`, activeKeyId: 'k.1' }, 'KEYRING_MALFORMED'],
    ['16-byte key', { keys: `k1:${randomBytes(16).toString('base64')}`, activeKeyId: 'k1' }, 'KEYRING_KEY_LENGTH'],
    ['33-byte key', { keys: `k1:${randomBytes(33).toString('base64')}`, activeKeyId: 'k1' }, 'KEYRING_KEY_LENGTH'],
    ['not base64', { keys: `k1:${'!'.repeat(43)}=`, activeKeyId: 'k1' }, 'KEYRING_KEY_LENGTH'],
    ['duplicate id', { keys: `k1:${k1},k1:${k2}`, activeKeyId: 'k1' }, 'KEYRING_DUPLICATE_ID'],
    ['active missing', { keys: `k1:${k1}`, activeKeyId: 'k9' }, 'KEYRING_ACTIVE_MISSING'],
    ['active retired', { keys: `k1:${k1}`, activeKeyId: 'k1', retired: ['k1'] }, 'KEYRING_ACTIVE_RETIRED'],
    ['trailing comma', { keys: `k1:${k1},`, activeKeyId: 'k1' }, 'KEYRING_MALFORMED'],
  ])('refuses %s', (_name, config, code) => {
    expect(codeOf(() => parseKeyring(config))).toBe(code);
  });

  it('never echoes key material in errors', () => {
    const short = randomBytes(16).toString('base64');
    const messages = [
      messageOf(() => parseKeyring({ keys: `k1:${short}`, activeKeyId: 'k1' })),
      messageOf(() => parseKeyring({ keys: k1, activeKeyId: 'k1' })),
      messageOf(() => parseKeyring({ keys: `k1:${k1}`, activeKeyId: k2 })),
    ];
    for (const message of messages) {
      expect(message).not.toBe('');
      for (const secret of [short, k1, k2]) expect(message).not.toContain(secret);
    }
  });

  it('does not print key bytes through JSON or inspect', () => {
    const ring = parseKeyring({ keys: `k1:${k1}`, activeKeyId: 'k1' });
    const hex = Buffer.from(k1, 'base64').toString('hex');
    for (const text of [JSON.stringify(ring), inspect(ring, { depth: 5, showHidden: true })]) {
      expect(text).toContain('k1');
      expect(text).not.toContain(k1);
      expect(text).not.toContain(hex);
    }
  });
});
