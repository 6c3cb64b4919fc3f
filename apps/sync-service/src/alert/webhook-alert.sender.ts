import { Injectable } from '@nestjs/common';
import { decodeStandardWebhookSecret } from '@shelflink/providers';
import { createHmac } from 'node:crypto';
import type { WebhookAlertTarget } from '../config/alert-targets.config.js';
import { SyncConfig } from '../config/sync.config.js';
import type { DueDelivery } from './alert-delivery.repository.js';
import { DeliveryFailed } from './alert-delivery.errors.js';

/**
 * POSTs one delivery signed with Standard Webhooks: `webhook-id` (the delivery id, the receiver's dedup key),
 * `webhook-timestamp` and `webhook-signature: v1,<base64 HMAC-SHA256 of id.timestamp.body>` with the target's secret.
 */
@Injectable()
export class WebhookAlertSender {
  constructor(private readonly config: SyncConfig) {}

  async send(target: WebhookAlertTarget, delivery: DueDelivery): Promise<void> {
    const body = JSON.stringify(delivery.payload);
    const timestamp = String(Math.floor(Date.now() / 1000));
    const response = await fetch(target.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'Shelflink-Alerts/1',
        'webhook-id': delivery.id,
        'webhook-timestamp': timestamp,
        'webhook-signature': signature(target.secret, delivery.id, timestamp, body),
      },
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(this.config.SYNC_ALERT_DELIVERY_TIMEOUT_MS),
    }).catch((error: unknown) => {
      // The cause's class only: a fetch error message can carry the URL, and a URL can carry a token.
      throw new DeliveryFailed(`network error (${error instanceof Error ? error.name : 'unknown'})`);
    });
    await response.body?.cancel().catch(() => undefined);
    if (!response.ok) throw new DeliveryFailed(`HTTP ${response.status}`);
  }
}

export function signature(secret: string, id: string, timestamp: string, body: string): string {
  const key = decodeStandardWebhookSecret(secret);
  if (!key) throw new DeliveryFailed('the target secret is not whsec_<base64>');
  return `v1,${createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64')}`;
}
