/** Stable codes for failures of the providers lib. */
export type ProviderErrorCode =
  | 'INVALID_URL_PART'
  | 'INVALID_URL_TEMPLATE'
  | 'URL_ORIGIN_MISMATCH'
  | 'UNKNOWN_PROVIDER'
  | 'INVALID_PROVIDER_CONFIG'
  | 'INVALID_AMOUNT'
  | 'UNKNOWN_CURRENCY';

/**
 * Typed error of the providers lib. Messages name the field or placeholder at fault; they never contain secret
 * values and do not echo tenant-supplied URL parts.
 */
export class ProviderError extends Error {
  override readonly name = 'ProviderError';

  constructor(
    readonly code: ProviderErrorCode,
    message: string,
  ) {
    super(message);
  }
}
