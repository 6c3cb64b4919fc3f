import type { BusErrorCode } from '../../../libs/contracts/src/errors.js';

/**
 * Why a call failed, stable across versions: `NEEDS_REAUTH` (the connection must be reconnected by an admin),
 * `FORBIDDEN` (outside this service's grants, or another tenant's), `NOT_FOUND` (no such connection in a granted
 * tenant), `UNAVAILABLE` (Shelflink or NATS cannot answer now, or not in time: retry later), `UNAUTHENTICATED` (NATS
 * refused the credentials), `INVALID_REQUEST`, and auth-service's other codes as they come.
 */
export type ShelflinkErrorCode = BusErrorCode;

export class ShelflinkError extends Error {
  constructor(
    readonly code: ShelflinkErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ShelflinkError';
  }
}
