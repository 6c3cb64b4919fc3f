/** Stable codes for every failure of the crypto lib; messages never contain key material or plaintext. */
export type CryptoErrorCode =
  | 'KEYRING_EMPTY'
  | 'KEYRING_MALFORMED'
  | 'KEYRING_KEY_LENGTH'
  | 'KEYRING_DUPLICATE_ID'
  | 'KEYRING_ACTIVE_MISSING'
  | 'KEYRING_ACTIVE_RETIRED'
  | 'INVALID_INPUT'
  | 'MALFORMED'
  | 'UNKNOWN_KEY'
  | 'KEY_RETIRED'
  | 'DECRYPT_FAILED';

/** Typed error of the crypto lib. Switch on `code`; the message is for operators and is safe to log. */
export class CryptoError extends Error {
  override readonly name = 'CryptoError';

  constructor(
    readonly code: CryptoErrorCode,
    message: string,
  ) {
    super(message);
  }
}
