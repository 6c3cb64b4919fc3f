import type { BreakerState } from './breaker.registry.js';
import { CircuitOpenError, ProviderCallError, RateLimitWaitTooLong } from './resilience.errors.js';

/** Why an attempt was never sent: the key's breaker was open, or a token of its budget was too far off. */
export type AttemptRefusal = 'BREAKER_OPEN' | 'RATE_LIMIT_WAIT_TOO_LONG';

/** One attempt of a provider call, as {@link CallProviderOptions.onAttempt} sees it once it ended. */
export interface AttemptEvent {
  /** The account key the attempt ran under. */
  key: string;
  /** 1-based attempt number. */
  attempt: number;
  /** Set when the attempt was refused before sending: nothing left for the provider. */
  refusal?: AttemptRefusal;
  /** The provider's HTTP status; 0 when no answer came (network error, timeout); null when refused. */
  status: number | null;
  /** The failure's stable code (`HTTP_503`, `NETWORK_ERROR`, `PROVIDER_UNAVAILABLE`…); absent on success. */
  errorCode?: string;
  /** From the breaker's start of the call to its end (the token wait is not in it); 0 when the budget refused it. */
  durationMs: number;
  /** Time this attempt waited for a token of the shared rate budget. */
  rateLimitWaitMs: number;
  /** The key's breaker state when the attempt started. */
  breakerState: BreakerState;
}

/** Called after every attempt; must be cheap (it runs on the call path) and its errors are swallowed. */
export type AttemptObserver = (event: AttemptEvent) => void;

/** What the attempt ended with: the status the call reported, else the error's, else 0; null when it was refused. */
export function attemptOutcome(
  answered: number | undefined,
  error: unknown,
): Pick<AttemptEvent, 'refusal' | 'status' | 'errorCode'> {
  if (error === undefined) return { status: answered ?? 0 };
  const refusal = refusalOf(error);
  if (refusal) return { refusal, status: null, errorCode: errorCodeOf(error) };
  const status = answered ?? (error instanceof ProviderCallError ? error.status : undefined) ?? 0;
  return { status, errorCode: errorCodeOf(error) };
}

/** The refusal an error stands for, when it was thrown before anything was sent. */
export function refusalOf(error: unknown): AttemptRefusal | undefined {
  if (error instanceof CircuitOpenError) return 'BREAKER_OPEN';
  if (error instanceof RateLimitWaitTooLong) return 'RATE_LIMIT_WAIT_TOO_LONG';
  return undefined;
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
