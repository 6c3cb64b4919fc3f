/** Codes of sync failures that are not the provider's own (those keep `ProviderCallError.code`). */
export const SyncErrorCode = {
  CURSOR_EXPIRED: 'CURSOR_EXPIRED',
  UNSUPPORTED_PROVIDER: 'UNSUPPORTED_PROVIDER',
  UNSUPPORTED_STREAM: 'UNSUPPORTED_STREAM',
  CONNECTION_UNAVAILABLE: 'CONNECTION_UNAVAILABLE',
  /** Disconnected for good (secrets erased): its schedules are removed. */
  CONNECTION_REVOKED: 'CONNECTION_REVOKED',
  /** The provider refused the grant (or the merchant removed the app): runs fail until it is reconnected. */
  NEEDS_REAUTH: 'NEEDS_REAUTH',
  LEASE_LOST: 'LEASE_LOST',
  MALFORMED_RESPONSE: 'MALFORMED_RESPONSE',
  /** More rows share one slice value than a provider query can return (NetSuite SuiteQL: 100,000). */
  WINDOW_TOO_LARGE: 'WINDOW_TOO_LARGE',
} as const;
export type SyncErrorCode = (typeof SyncErrorCode)[keyof typeof SyncErrorCode];

/** A typed sync failure; its message never carries tokens, headers or bodies. */
export class SyncError extends Error {
  constructor(
    readonly code: SyncErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'SyncError';
  }
}
