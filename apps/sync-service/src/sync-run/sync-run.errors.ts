import { BusError } from '@shelflink/contracts';
import { CircuitOpenError, ProviderCallError, RateLimitWaitTooLong } from '@shelflink/resilience';
import { SyncError } from '../provider/provider.errors.js';

/** A failed run's code and message: typed errors keep theirs; anything else is INTERNAL (details only in logs). */
export function errorSummary(error: unknown): { code: string; message: string } {
  if (
    error instanceof SyncError ||
    error instanceof ProviderCallError ||
    error instanceof CircuitOpenError ||
    error instanceof RateLimitWaitTooLong ||
    error instanceof BusError
  ) {
    return { code: error.code, message: error.message };
  }
  return { code: 'INTERNAL', message: 'Unexpected error; see the sync-service log' };
}
