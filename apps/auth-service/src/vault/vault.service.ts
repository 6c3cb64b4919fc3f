import { Injectable } from '@nestjs/common';
import { BusError } from '@shelflink/contracts';
import { CryptoError, open, parseKeyring, seal, type Keyring } from '@shelflink/crypto';
import { AuthConfig } from '../config/auth.config.js';

/** Field name → plaintext secret, only ever in memory. */
export type SecretFields = Readonly<Record<string, string>>;

/** Sealed secrets of one row, all under one key id. */
export interface SealedFields {
  readonly keyId: string;
  readonly secrets: Record<string, string>;
}

/** The keyring and the AAD convention (tenant | connection | field); the only place secrets are sealed or opened. */
@Injectable()
export class VaultService {
  readonly keyring: Keyring;

  constructor(config: AuthConfig) {
    // A missing or malformed keyring throws here, so the service refuses to start instead of storing plaintext.
    this.keyring = parseKeyring({
      keys: config.SHELFLINK_MASTER_KEYS,
      activeKeyId: config.SHELFLINK_ACTIVE_KEY_ID,
      retired: config.SHELFLINK_RETIRED_KEY_IDS,
    });
  }

  sealAll(tenantId: string, connectionId: string, fields: SecretFields): SealedFields {
    const secrets: Record<string, string> = {};
    for (const [field, value] of Object.entries(fields))
      secrets[field] = seal(this.keyring, value, { tenantId, connectionId, field });
    return { keyId: this.keyring.activeKeyId, secrets };
  }

  openAll(tenantId: string, connectionId: string, secrets: Readonly<Record<string, string>>): Record<string, string> {
    const plain: Record<string, string> = {};
    for (const [field, value] of Object.entries(secrets))
      plain[field] = this.openOne(tenantId, connectionId, field, value);
    return plain;
  }

  sealOne(tenantId: string, scopeId: string, field: string, value: string): string {
    return seal(this.keyring, value, { tenantId, connectionId: scopeId, field });
  }

  openOne(tenantId: string, scopeId: string, field: string, sealed: string): string {
    try {
      return open(this.keyring, sealed, { tenantId, connectionId: scopeId, field });
    } catch (error) {
      // Tampered, copied or retired-key ciphertexts fail closed with a code; nothing of the value is revealed.
      if (error instanceof CryptoError)
        throw new BusError('INTERNAL', `Stored credentials cannot be decrypted (${error.code})`);
      throw error;
    }
  }
}
