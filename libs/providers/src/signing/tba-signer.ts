import { randomBytes } from 'node:crypto';
import { hmacSignature, percentEncode, signatureBaseString, type OAuthParam } from './oauth1.js';

const NONCE_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Inputs of {@link signTbaRequest}; secrets are used for the HMAC only and never appear in the output. */
export interface TbaRequest {
  readonly method: string;
  /** Full URL including query parameters, which are signed. */
  readonly url: string;
  /** Account id in realm form: upper case with `_` (`1234567_SB1`); see `netsuiteRealm`. */
  readonly realm: string;
  readonly consumerKey: string;
  readonly consumerSecret: string;
  readonly tokenId: string;
  readonly tokenSecret: string;
  /** 6-64 alphanumerics; random 32 when omitted. */
  readonly nonce?: string;
  /** Unix seconds; now when omitted. */
  readonly timestamp?: number;
  /** Form-encoded body pairs to sign (NetSuite REST bodies are JSON and are not signed). */
  readonly formParams?: readonly OAuthParam[];
}

/**
 * Signs a NetSuite request with token-based authentication (OAuth 1.0a, RFC 5849, HMAC-SHA256) and returns the
 * `Authorization` header value: `OAuth realm="…", oauth_consumer_key="…", …, oauth_signature="…"`.
 */
export function signTbaRequest(request: TbaRequest): string {
  const oauth: OAuthParam[] = [
    ['oauth_consumer_key', request.consumerKey],
    ['oauth_token', request.tokenId],
    ['oauth_signature_method', 'HMAC-SHA256'],
    ['oauth_timestamp', String(request.timestamp ?? Math.floor(Date.now() / 1000))],
    ['oauth_nonce', request.nonce ?? randomNonce(32)],
    ['oauth_version', '1.0'],
  ];
  const base = signatureBaseString(request.method, request.url, [...oauth, ...(request.formParams ?? [])]);
  const signature = hmacSignature('sha256', base, request.consumerSecret, request.tokenSecret);
  const fields = [['realm', request.realm] as const, ...oauth, ['oauth_signature', signature] as const];
  return `OAuth ${fields.map(([name, value]) => `${name}="${percentEncode(value)}"`).join(', ')}`;
}

function randomNonce(length: number): string {
  const bytes = randomBytes(length);
  // 256 % 62 bias is irrelevant for a nonce; uniqueness is what matters.
  return Array.from(bytes, (b) => NONCE_ALPHABET[b % NONCE_ALPHABET.length]).join('');
}
