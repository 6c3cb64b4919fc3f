import type { BreakerState } from './breaker.registry.js';
import { CircuitOpenError, ProviderCallError } from './resilience.errors.js';

/** One attempt of a provider call, as {@link CallProviderOptions.onAttempt} sees it once it ended. */
export interface AttemptEvent {
  /** The account key the attempt ran under. */
  key: string;
  /** 1-based attempt number. */
  attempt: number;
  /** False when the breaker refused it: nothing left for the provider. */
  reached: boolean;
  /** The provider's HTTP status; 0 when no answer came (network error, timeout, breaker open). */
  status: number;
  /** The failure's stable code (`HTTP_503`, `NETWORK_ERROR`, `PROVIDER_UNAVAILABLE`…); absent on success. */
  errorCode?: string;
  /** From the breaker's start of the call to its end (the token wait is not in it). */
  durationMs: number;
  /** Time this attempt waited for a token of the shared rate budget. */
  rateLimitWaitMs: number;
  /** The key's breaker state when the attempt was let through. */
  breakerState: BreakerState;
}

/** Called after every attempt; must be cheap (it runs on the call path) and its errors are swallowed. */
export type AttemptObserver = (event: AttemptEvent) => void;

/** What the attempt ended with: the status the call reported, else the error's, else 0. */
export function attemptOutcome(
  answered: number | undefined,
  error: unknown,
): Pick<AttemptEvent, 'reached' | 'status' | 'errorCode'> {
  if (error === undefined) return { reached: true, status: answered ?? 0 };
  if (error instanceof CircuitOpenError) return { reached: false, status: 0, errorCode: error.code };
  const status = answered ?? (error instanceof ProviderCallError ? error.status : undefined) ?? 0;
  return { reached: true, status, errorCode: errorCodeOf(error) };
}

function errorCodeOf(error: unknown): string {
  if (error instanceof ProviderCallError) return error.code;
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[A-Z0-9_]{1,64}$/.test(code) ? code : 'ERROR';
}

/** Runs the observer without letting it break or slow the call with a throw. */
export function notifyAttempt(observer: AttemptObserver | undefined, event: AttemptEvent): void {
  if (!observer) return;
  try {
    observer(event);
  } catch {
    // An observer's failure (a full log buffer, a bug) must never fail the provider call.
  }
}
