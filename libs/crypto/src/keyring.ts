import { inspect } from 'node:util';
import { CryptoError } from './crypto.errors.js';

const KEY_BYTES = 32;
const KEY_ID_PATTERN = /^[A-Za-z0-9_-]{1,32}$/;
// Standard or URL-safe base64 of exactly 32 bytes (43 characters plus optional padding).
const KEY_B64_PATTERN = /^[A-Za-z0-9+/_-]{43}=?$/;

/** Input of {@link parseKeyring}: the config text, the active key id and ids whose ciphertexts are refused. */
export interface KeyringConfig {
  /** `"k1:<base64 32 bytes>,k2:<base64 32 bytes>"`; whitespace around entries is ignored. */
  readonly keys: string;
  /** Id of the key new ciphertexts are sealed under. */
  readonly activeKeyId: string;
  /** Key ids whose ciphertexts must be refused (the `min_decryption_version` idea), as a list or comma text. */
  readonly retired?: readonly string[] | string;
}

/**
 * Versioned 256-bit master keys. Key bytes are held out of reach of `JSON.stringify` and `util.inspect`, so
 * logging a keyring by accident shows ids only.
 */
export class Keyring {
  readonly #keys: ReadonlyMap<string, Buffer>;

  /** @internal Build with {@link parseKeyring}. */
  constructor(
    keys: ReadonlyMap<string, Buffer>,
    readonly activeKeyId: string,
    readonly retired: ReadonlySet<string>,
  ) {
    this.#keys = keys;
  }

  /** Every key id, in configuration order. */
  get keyIds(): readonly string[] {
    return [...this.#keys.keys()];
  }

  /** Whether ciphertexts under `keyId` must be refused. */
  isRetired(keyId: string): boolean {
    return this.retired.has(keyId);
  }

  /** @internal Key bytes for the sealed box; undefined when the id is unknown. */
  keyFor(keyId: string): Buffer | undefined {
    return this.#keys.get(keyId);
  }

  toJSON(): { activeKeyId: string; keyIds: readonly string[]; retired: string[] } {
    return { activeKeyId: this.activeKeyId, keyIds: this.keyIds, retired: [...this.retired] };
  }

  [inspect.custom](): string {
    return `Keyring ${JSON.stringify(this.toJSON())}`;
  }
}

/**
 * Parses and checks a keyring. Throws {@link CryptoError} (`KEYRING_*`) naming the problem by entry position and
 * key id, never echoing key material.
 */
export function parseKeyring(config: KeyringConfig): Keyring {
  const text = config.keys.trim();
  if (text === '') throw new CryptoError('KEYRING_EMPTY', 'keyring: no keys configured');
  const keys = new Map<string, Buffer>();
  text.split(',').forEach((entry, index) => {
    const [id, key] = parseEntry(entry.trim(), index + 1);
    if (keys.has(id)) {
      throw new CryptoError('KEYRING_DUPLICATE_ID', `keyring: entry ${index + 1} repeats key id "${id}"`);
    }
    keys.set(id, key);
  });
  const retired = new Set(parseRetired(config.retired));
  const active = config.activeKeyId.trim();
  if (!keys.has(active)) {
    throw new CryptoError('KEYRING_ACTIVE_MISSING', `keyring: active key id "${safeId(active)}" is not in the keyring`);
  }
  if (retired.has(active)) {
    throw new CryptoError('KEYRING_ACTIVE_RETIRED', `keyring: active key id "${active}" is also listed as retired`);
  }
  return new Keyring(keys, active, retired);
}

function parseEntry(entry: string, position: number): [string, Buffer] {
  const colon = entry.indexOf(':');
  if (colon <= 0) {
    throw new CryptoError('KEYRING_MALFORMED', `keyring: entry ${position} is not of the form <id>:<base64 key>`);
  }
  const id = entry.slice(0, colon).trim();
  const b64 = entry.slice(colon + 1).trim();
  if (!KEY_ID_PATTERN.test(id)) {
    throw new CryptoError(
      'KEYRING_MALFORMED',
      `keyring: entry ${position} has an invalid key id (use [A-Za-z0-9_-]{1,32})`,
    );
  }
  const key = Buffer.from(b64, b64.includes('-') || b64.includes('_') ? 'base64url' : 'base64');
  if (!KEY_B64_PATTERN.test(b64) || key.length !== KEY_BYTES) {
    throw new CryptoError(
      'KEYRING_KEY_LENGTH',
      `keyring: key "${id}" (entry ${position}) must be base64 of exactly ${KEY_BYTES} bytes`,
    );
  }
  return [id, key];
}

function parseRetired(retired: KeyringConfig['retired']): string[] {
  const list = typeof retired === 'string' ? retired.split(',') : [...(retired ?? [])];
  return list.map((id) => id.trim()).filter((id) => id !== '');
}

// An unknown active id is configuration, not key material, but keep odd input out of the message.
function safeId(id: string): string {
  return KEY_ID_PATTERN.test(id) ? id : '<invalid id>';
}
