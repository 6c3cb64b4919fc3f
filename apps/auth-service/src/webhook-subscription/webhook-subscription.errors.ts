import { BusError } from '@shelflink/contracts';
import { ProviderCallError } from '@shelflink/resilience';

/** A provider refused or failed a subscription call; `failure` (`HTTP_422`, `TIMEOUT`) is what the registration row keeps. */
export class SubscriptionCallError extends BusError {
  constructor(
    provider: string,
    readonly failure: string,
    status?: number,
  ) {
    super(
      status === 401 ? 'NEEDS_REAUTH' : 'PROVIDER_UNAVAILABLE',
      `${provider} refused the webhook subscription call (${failure})`,
    );
    this.name = 'SubscriptionCallError';
  }

  static ofStatus(provider: string, status: number): SubscriptionCallError {
    return new SubscriptionCallError(provider, `HTTP_${status}`, status);
  }
}

/** The stable code a failed sync is recorded under; never a provider's message. */
export function failureCode(error: unknown): string {
  if (error instanceof SubscriptionCallError) return error.failure;
  if (error instanceof BusError) return error.code;
  if (error instanceof ProviderCallError) return error.code;
  return 'INTERNAL';
}

/** Network failures become a bus error the operator CLI can show; everything else passes through. */
export function asBusError(provider: string, error: unknown): unknown {
  return error instanceof ProviderCallError ? new SubscriptionCallError(provider, error.code) : error;
}
