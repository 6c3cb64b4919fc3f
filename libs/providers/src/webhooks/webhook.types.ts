import type { WebhookScheme } from '../provider-definition.js';

/** Header map as Node and Fastify give it; names are matched case-insensitively. */
export type WebhookHeaders = Readonly<Record<string, string | readonly string[] | undefined>>;

/** Everything a verifier needs about one delivery. */
export interface WebhookInput {
  /** The request body exactly as received, byte for byte. */
  readonly rawBody: Buffer;
  readonly headers: WebhookHeaders;
  /** The public URL the provider posted to, exactly as registered (Square signs it). */
  readonly notificationUrl?: string;
  /** Current secret first; two during rotation. An empty list fails closed. */
  readonly secrets: readonly string[];
  readonly now: Date;
  /** Allowed clock difference both ways for schemes with a signed timestamp; default 300 s. */
  readonly toleranceSeconds?: number;
}

/** Why a delivery was refused. Stable; map to 401 (signature) or 400 (malformed) at the edge. */
export type WebhookFailureCode =
  | 'MISSING_SECRET'
  | 'MISSING_SIGNATURE'
  | 'MALFORMED_SIGNATURE'
  | 'BAD_SIGNATURE'
  | 'TIMESTAMP_OUT_OF_TOLERANCE'
  | 'MISSING_DEDUP_ID'
  | 'MALFORMED_BODY';

/** An authentic delivery with what is needed to store and dedupe it. */
export interface WebhookAccepted {
  readonly ok: true;
  readonly dedupId: string;
  readonly eventType: string;
  readonly occurredAt?: Date;
  /** Which of `secrets` matched (0 = current). */
  readonly secretIndex: number;
  /** The provider's id of the underlying event when it differs from the dedup id (Shopify `X-Shopify-Event-Id`). */
  readonly providerEventId?: string;
  /** Whose event it is (Square `merchant_id`, Shopify shop domain), where the provider's spec declares an account key. */
  readonly accountKey?: string;
  /** A privacy request about the account's data (the spec's `complianceTopics`, e.g. Shopify `shop/redact`). */
  readonly compliance?: boolean;
}

/** A refused delivery. */
export interface WebhookRejected {
  readonly ok: false;
  readonly code: WebhookFailureCode;
}

/** Result of {@link verifyWebhook}. */
export type WebhookVerification = WebhookAccepted | WebhookRejected;

/** Schemes that can accept deliveries. */
export type SignedWebhookScheme = Exclude<WebhookScheme, 'none'>;
