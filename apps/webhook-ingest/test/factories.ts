// Test data for webhook-ingest's service-level tests: config, connections, signed deliveries and stored rows.
import type { WebhookIngestRequest } from '@shelflink/contracts';
import { randomBytes, randomUUID } from 'node:crypto';
import { sign, type Secrets } from '../../../test/webhook-harness.js';
import { webhookConfigSchema, type WebhookConfigValues } from '../src/config/webhook.config.js';
import type { NewReceivedEvent } from '../src/received-event/received-event.repository.js';

/** The app's validated config; the relay's own tick is an hour away, so only a test's explicit scans run. */
export function webhookConfig(
  env: Record<string, string>,
  overrides: Partial<WebhookConfigValues> = {},
): WebhookConfigValues {
  return { ...webhookConfigSchema.parse({ WEBHOOK_RELAY_INTERVAL_MS: '60000', ...env }), ...overrides };
}

/** A Standard Webhooks connection (the sandbox-events provider) as auth-service would describe it. */
export interface TestConnection {
  readonly connectionId: string;
  readonly secrets: Secrets;
}

export function standardWebhooksConnection(tenantId = 'tenant-1'): TestConnection {
  return {
    connectionId: `conn_${randomUUID().slice(0, 8)}`,
    secrets: {
      tenantId,
      provider: 'sandbox-events',
      scheme: 'standard-webhooks',
      secrets: [`whsec_${randomBytes(32).toString('base64')}`],
    },
  };
}

/**
 * A delivery as the gateway forwards it, signed for `connection`. One `webhookId` is one event: the provider's retries
 * sign it again with a new timestamp (`signedAt`, ms).
 */
export function signedDelivery(
  connection: TestConnection,
  options: { webhookId?: string; signedAt?: number; secret?: string } = {},
): WebhookIngestRequest {
  const { provider, secrets } = connection.secrets;
  const body = JSON.stringify({ type: 'invoice.paid', data: { id: `inv_${randomUUID()}` } });
  const webhookId = options.webhookId ?? `msg_${randomUUID().replaceAll('-', '')}`;
  const timestamp = Math.floor((options.signedAt ?? Date.now()) / 1000);
  return {
    provider,
    connectionId: connection.connectionId,
    headers: sign.standard(options.secret ?? secrets[0] ?? '', body, webhookId, timestamp),
    rawBody: Buffer.from(body).toString('base64'),
    publicUrl: `https://hooks.example.com/webhooks/${provider}/${connection.connectionId}`,
  };
}

/** A verified event as intake stores it (for rows a test puts in place, as a crashed process left them). */
export function receivedEvent(overrides: Partial<NewReceivedEvent> = {}): NewReceivedEvent {
  const dedupKey = randomUUID();
  return {
    tenantId: 'tenant-1',
    provider: 'sandbox-events',
    connectionId: 'conn_stored',
    dedupKey,
    providerEventId: dedupKey,
    eventType: 'invoice.paid',
    headers: { 'content-type': 'application/json' },
    rawBody: Buffer.from(JSON.stringify({ type: 'invoice.paid', data: { id: `inv_${dedupKey}` } })),
    ...overrides,
  };
}
