import { BusError } from '@shelflink/contracts';
import { PageWalkError } from '@shelflink/providers';
import { CircuitOpenError, ProviderCallError, RateLimitWaitTooLong } from '@shelflink/resilience';
import { SyncError } from '../provider/provider.errors.js';

/** A proxy failure as the bus error its caller gets: stable codes, messages without headers, bodies or tokens. */
export function proxyBusError(error: unknown): unknown {
  if (error instanceof BusError) return error;
  if (error instanceof SyncError) {
    switch (error.code) {
      case 'NEEDS_REAUTH':
        return new BusError('NEEDS_REAUTH', error.message);
      case 'CONNECTION_REVOKED':
      case 'CONNECTION_UNAVAILABLE':
        return new BusError('CONFLICT', error.message);
      case 'UNSUPPORTED_PROVIDER':
      case 'UNSUPPORTED_STREAM':
        return new BusError('INVALID_REQUEST', error.message);
      case 'CURSOR_EXPIRED':
      case 'LEASE_LOST':
      case 'MALFORMED_RESPONSE':
      case 'WINDOW_TOO_LARGE':
        return new BusError('PROVIDER_UNAVAILABLE', error.message);
    }
  }
  if (error instanceof CircuitOpenError) return new BusError('PROVIDER_UNAVAILABLE', error.message);
  if (error instanceof RateLimitWaitTooLong) return new BusError('RATE_LIMITED', error.message);
  if (error instanceof ProviderCallError) return new BusError('PROVIDER_UNAVAILABLE', error.message);
  if (error instanceof PageWalkError) return pageWalkBusError(error);
  return error;
}

/** A page the provider refused mid-walk: its status says which code. */
function pageWalkBusError(error: PageWalkError): BusError {
  const status = error.status;
  const message = `Page walk stopped: ${error.code}${status === undefined ? '' : ` (HTTP ${status})`}`;
  if (status === 404) return new BusError('NOT_FOUND', message);
  if (status === 401 || status === 403) return new BusError('FORBIDDEN', message);
  if (status === 429) return new BusError('RATE_LIMITED', message);
  if (status !== undefined && status < 500) return new BusError('INVALID_REQUEST', message);
  return new BusError('PROVIDER_UNAVAILABLE', message);
}

export const payloadTooLarge = (what: string, limit: number): BusError =>
  new BusError('INVALID_REQUEST', `${what} is over the proxy's limit of ${limit} bytes`, 'PAYLOAD_TOO_LARGE');
