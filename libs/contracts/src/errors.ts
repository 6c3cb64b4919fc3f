import { z } from 'zod';

/** Error codes that cross the bus; stable, documented, and safe to show callers. */
export const busErrorCodes = [
  'INVALID_REQUEST',
  'NOT_FOUND',
  'FORBIDDEN',
  'UNAUTHENTICATED',
  'NEEDS_REAUTH',
  'CONFLICT',
  'PROVIDER_UNAVAILABLE',
  'RATE_LIMITED',
  'UNAVAILABLE',
  'TIMEOUT',
  'INTERNAL',
] as const;
export type BusErrorCode = (typeof busErrorCodes)[number];

/** Why webhook-ingest refused a delivery (`webhook.ingest.v1` `rejected.code`); the caller's HTTP error code. */
export const webhookRefusalReasons = [
  'UNKNOWN_CONNECTION',
  'MISSING_SECRET',
  'MISSING_SIGNATURE',
  'MALFORMED_SIGNATURE',
  'BAD_SIGNATURE',
  'TIMESTAMP_OUT_OF_TOLERANCE',
  'MISSING_DEDUP_ID',
  'MALFORMED_BODY',
  /** A per-connection URL got a delivery naming another merchant or shop than the connection's. */
  'ACCOUNT_MISMATCH',
  /** An app-level delivery that does not say whose event it is (no `merchant_id`, no shop domain). */
  'MISSING_ACCOUNT_KEY',
  /** `POST /webhooks/{provider}` for a provider whose catalog declares no account key to route by. */
  'NO_APP_ROUTE',
] as const;
export type WebhookRefusalReason = (typeof webhookRefusalReasons)[number];

/**
 * Why a request was refused, finer than its {@link BusErrorCode}: stable, safe to show callers, and the HTTP error
 * code the gateway answers with. Set where the error is raised; never parsed out of a message.
 */
export const errorReasons = [
  'PAYLOAD_TOO_LARGE',
  /** The proxy refused a path, query or header (traversal, absolute URL, CRLF): no request left. */
  'INVALID_PATH',
  /** The proxy refused a header value (CR, LF, NUL): no request left. */
  'INVALID_HEADER',
  'VALIDATION_FAILED',
  'OAUTH_STATE_MISSING',
  'OAUTH_STATE_INVALID',
  'OAUTH_STATE_REPLAYED',
  'OAUTH_STATE_EXPIRED',
  'OAUTH_ACCESS_DENIED',
  'OAUTH_PROVIDER_ERROR',
  'OAUTH_CODE_MISSING',
  'OAUTH_PKCE_MISSING',
  'OAUTH_HMAC_INVALID',
  'OAUTH_SHOP_INVALID',
  'OAUTH_EXCHANGE_FAILED',
  'CONNECT_PAGE_INVALID',
  'CONNECT_PAGE_EXPIRED',
  'CONNECT_PAGE_USED',
  'RETURN_URL_NOT_ALLOWED',
  'PROVIDER_NOT_ALLOWED',
  'CREDENTIALS_REFUSED',
  'INSTALL_NOT_CONFIGURED',
  'INSTALL_HMAC_INVALID',
  'INSTALL_LINK_EXPIRED',
  'INSTALL_SHOP_INVALID',
  ...webhookRefusalReasons,
] as const;
export type ErrorReason = (typeof errorReasons)[number];

export const busErrorSchema = z.object({
  error: z.object({
    code: z.enum(busErrorCodes),
    message: z.string(),
    /** Optional (older services send none); a reason this side does not know yet is dropped, not a bad reply. */
    reason: z.enum(errorReasons).optional().catch(undefined),
    /** INTERNAL only: the id the answering service logged the failure under. */
    errorId: z.string().optional(),
  }),
});
export type BusErrorReply = z.infer<typeof busErrorSchema>;

/** A typed error a handler throws (or a client receives) with a code from `busErrorCodes` and maybe a reason. */
export class BusError extends Error {
  constructor(
    readonly code: BusErrorCode,
    message: string,
    readonly reason?: ErrorReason,
  ) {
    super(message);
    this.name = 'BusError';
  }
}
