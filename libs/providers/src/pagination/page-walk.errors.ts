import type { PageRequest } from './page-request.js';

/** Why a page walk stopped. */
export type PageWalkErrorCode =
  /** 429 (or a provider's rate-limit status): wait `retryAfterMs` if given, then retry the same request. */
  | 'RATE_LIMITED'
  /** The provider refused a continuation cursor as invalid or expired: restart from the first page. */
  | 'CURSOR_INVALID'
  /** Any other non-2xx answer. */
  | 'HTTP_STATUS'
  /** A 2xx body that is not JSON or has no item array where the stream says. */
  | 'MALFORMED_PAGE'
  /** A next-page link pointing at another origin (it would carry the credential elsewhere). */
  | 'UNSAFE_NEXT_URL'
  /** The provider handed back a cursor it already gave, or the page cap was reached. */
  | 'PAGINATION_LOOP';

/** What a failed page walk knows about the failing call. */
export interface PageWalkErrorDetails {
  readonly status?: number;
  /** Parsed `Retry-After` in milliseconds, when the provider sent a usable one. */
  readonly retryAfterMs?: number;
  /** The request that failed: pass it to `walkPages` again to resume after a 429 without starting over. */
  readonly request?: PageRequest;
}

/** Typed failure of {@link walkPages}; carries the HTTP status and parsed `Retry-After` when there was one. */
export class PageWalkError extends Error {
  override readonly name = 'PageWalkError';
  readonly status?: number;
  readonly retryAfterMs?: number;
  readonly request?: PageRequest;

  constructor(
    readonly code: PageWalkErrorCode,
    message: string,
    details: PageWalkErrorDetails = {},
  ) {
    super(message);
    Object.assign(this, details);
  }
}
