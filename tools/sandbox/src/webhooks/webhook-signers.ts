import { createHmac, randomUUID } from 'node:crypto';
import { stringifyWithBigInts } from '../util/big-json.js';

export const WEBHOOK_PROVIDERS = ['square', 'shopify', 'standard-webhooks', 'jira'] as const;
export type WebhookProvider = (typeof WEBHOOK_PROVIDERS)[number];

/** One event to deliver, fixed at send time; retries reuse it. */
export interface WebhookMessage {
  readonly provider: WebhookProvider;
  readonly type: string;
  readonly body: string;
  readonly secret: string;
  /** Square signs this exact string (the subscription's notification URL) in front of the body. */
  readonly notificationUrl: string;
  readonly account: string;
  readonly eventId: string;
  readonly webhookId: string;
  readonly apiVersion: string;
  readonly triggeredAt: number;
}

export interface AttemptInfo {
  /** 0 for the first delivery. */
  readonly retryNumber: number;
  readonly firstAttemptAt: number;
  readonly now: number;
  readonly retryReason: string | null;
}

export interface MessageInput {
  readonly provider: WebhookProvider;
  readonly type: string;
  readonly payload?: unknown;
  readonly objectId?: string;
  readonly dataType?: string;
  readonly account?: string;
  readonly eventId?: string;
  readonly now: number;
}

/** The provider's body for the event: Square's envelope, Shopify's bare resource, Jira's event object. */
export function renderBody(input: MessageInput, eventId: string): string {
  const iso = new Date(input.now).toISOString();
  switch (input.provider) {
    case 'square':
      return JSON.stringify({
        merchant_id: input.account ?? 'SANDBOXMERCHANT',
        type: input.type,
        event_id: eventId,
        created_at: iso,
        data: {
          type: input.dataType ?? input.type.split('.')[0] ?? input.type,
          id: input.objectId ?? randomUUID(),
          object: input.payload ?? {},
        },
      });
    case 'shopify':
      // Shopify's 64-bit ids go out as raw digits, as in its REST payloads.
      return stringifyWithBigInts(input.payload ?? {});
    case 'standard-webhooks':
      return JSON.stringify(input.payload ?? { type: input.type, timestamp: iso, data: {} });
    case 'jira':
      return JSON.stringify({ timestamp: input.now, webhookEvent: input.type, ...(asObject(input.payload) ?? {}) });
  }
}

function asObject(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

/** Headers of one delivery attempt, signed with the provider's real scheme. */
export function signAttempt(message: WebhookMessage, attempt: AttemptInfo): Record<string, string> {
  const base = { 'content-type': 'application/json', 'user-agent': `shelflink-sandbox/${message.provider}` };
  switch (message.provider) {
    case 'square':
      return { ...base, ...squareHeaders(message, attempt) };
    case 'shopify':
      return { ...base, ...shopifyHeaders(message) };
    case 'standard-webhooks':
      return { ...base, ...standardHeaders(message, attempt) };
    case 'jira':
      return { ...base, ...jiraHeaders(message, attempt) };
  }
}

function squareHeaders(message: WebhookMessage, attempt: AttemptInfo): Record<string, string> {
  const signature = createHmac('sha256', message.secret)
    .update(message.notificationUrl + message.body)
    .digest('base64');
  const headers: Record<string, string> = {
    'x-square-hmacsha256-signature': signature,
    'square-environment': 'Sandbox',
    'square-initial-delivery-timestamp': new Date(attempt.firstAttemptAt).toISOString(),
    'square-retry-number': String(attempt.retryNumber),
  };
  if (attempt.retryReason) headers['square-retry-reason'] = attempt.retryReason;
  return headers;
}

function shopifyHeaders(message: WebhookMessage): Record<string, string> {
  return {
    'x-shopify-hmac-sha256': createHmac('sha256', message.secret).update(message.body).digest('base64'),
    'x-shopify-topic': message.type,
    'x-shopify-shop-domain': message.account,
    'x-shopify-api-version': message.apiVersion,
    'x-shopify-webhook-id': message.webhookId,
    'x-shopify-event-id': message.eventId,
    'x-shopify-triggered-at': new Date(message.triggeredAt).toISOString(),
  };
}

/** Standard Webhooks: key = base64 of the part after `whsec_`; a fresh timestamp on every attempt. */
function standardHeaders(message: WebhookMessage, attempt: AttemptInfo): Record<string, string> {
  const key = Buffer.from(message.secret.replace(/^whsec_/, ''), 'base64');
  const timestamp = String(Math.floor(attempt.now / 1000));
  const signature = createHmac('sha256', key)
    .update(`${message.webhookId}.${timestamp}.${message.body}`)
    .digest('base64');
  return { 'webhook-id': message.webhookId, 'webhook-timestamp': timestamp, 'webhook-signature': `v1,${signature}` };
}

function jiraHeaders(message: WebhookMessage, attempt: AttemptInfo): Record<string, string> {
  const headers: Record<string, string> = {
    'x-hub-signature': `sha256=${createHmac('sha256', message.secret).update(message.body).digest('hex')}`,
    'x-atlassian-webhook-identifier': message.webhookId,
  };
  if (attempt.retryNumber > 0) headers['x-atlassian-webhook-retry'] = String(attempt.retryNumber);
  return headers;
}

/** Whether the provider retries after this answer (status null = timeout or connection failure). */
export function shouldRetry(provider: WebhookProvider, status: number | null): boolean {
  if (status !== null && status >= 200 && status < 300) return false;
  if (provider === 'standard-webhooks' && status === 410) return false;
  if (provider === 'jira' && status !== null) return [408, 409, 425, 429].includes(status) || status >= 500;
  return true;
}
