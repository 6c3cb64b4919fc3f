import { Injectable, Logger } from '@nestjs/common';
import {
  BusError,
  type WebhookIngestRequest,
  type WebhookIngestResponse,
  type WebhookRefusalReason,
  type WebhookSecretsGetResponse,
} from '@shelflink/contracts';
import {
  verifyWebhook,
  type WebhookFailureCode,
  type WebhookScheme,
  type WebhookVerification,
} from '@shelflink/providers';
import { Clock } from '@shelflink/runtime';
import { WebhookConfig } from '../config/webhook.config.js';
import { OutboxRelay } from '../outbox/outbox-relay.service.js';
import { webhookIntakeTotal } from '../metrics/webhook.metrics.js';
import { ReceivedEventRepository } from '../received-event/received-event.repository.js';
import { WebhookSecretsCache } from './webhook-secrets.cache.js';

const schemes: readonly WebhookScheme[] = [
  'square-hmac',
  'shopify-hmac',
  'standard-webhooks',
  'jira-hub-signature',
  'none',
];
// Failures a newer secret could fix (rotation): worth one refetch.
const secretDependent: readonly WebhookFailureCode[] = ['BAD_SIGNATURE', 'MISSING_SECRET'];

/** Verify, dedupe, store, then answer: a `stored` reply means the row is committed. */
@Injectable()
export class IntakeService {
  private readonly logger = new Logger(IntakeService.name);

  constructor(
    private readonly secrets: WebhookSecretsCache,
    private readonly events: ReceivedEventRepository,
    private readonly relay: OutboxRelay,
    private readonly config: WebhookConfig,
    private readonly clock: Clock,
  ) {}

  async receive(request: WebhookIngestRequest): Promise<WebhookIngestResponse> {
    const rawBody = Buffer.from(request.rawBody, 'base64');
    const secrets = await this.lookupSecrets(request.provider, request.connectionId);
    if (!secrets || secrets.value.provider !== request.provider) {
      webhookIntakeTotal.inc({ provider: 'unknown', outcome: 'UNKNOWN_CONNECTION' });
      return rejected(404, 'UNKNOWN_CONNECTION', 'No such connection for this provider');
    }
    let tenant = secrets.value;
    let verification = this.verify(tenant, request, rawBody);
    if (!verification.ok && secrets.cached && secretDependent.includes(verification.code)) {
      const fresh = await this.secrets.refetch(request.provider, request.connectionId).catch(() => undefined);
      if (fresh) {
        tenant = fresh;
        verification = this.verify(fresh, request, rawBody);
      }
    }
    if (!verification.ok) {
      webhookIntakeTotal.inc({ provider: request.provider, outcome: verification.code });
      this.logger.warn(
        `webhook refused: ${verification.code} (${request.provider}/${request.connectionId.slice(0, 64)})`,
      );
      return rejected(statusFor(verification.code), verification.code, messageFor(verification.code));
    }
    const stored = await this.store(tenant.tenantId, request, rawBody, verification);
    webhookIntakeTotal.inc({ provider: request.provider, outcome: stored.duplicate ? 'duplicate' : 'stored' });
    if (!stored.duplicate) this.relay.notify({ id: stored.id, generation: 0 });
    return { result: 'stored', eventId: stored.id, duplicate: stored.duplicate };
  }

  private async lookupSecrets(provider: string, connectionId: string) {
    try {
      return await this.secrets.get(provider, connectionId);
    } catch (error) {
      if (error instanceof BusError && (error.code === 'NOT_FOUND' || error.code === 'INVALID_REQUEST'))
        return undefined;
      throw new BusError('UNAVAILABLE', 'Cannot load verification secrets right now');
    }
  }

  private verify(
    secrets: WebhookSecretsGetResponse,
    request: WebhookIngestRequest,
    rawBody: Buffer,
  ): WebhookVerification {
    const scheme = schemes.find((known) => known === secrets.scheme) ?? 'none';
    return verifyWebhook(scheme, {
      rawBody,
      headers: request.headers,
      secrets: secrets.secrets,
      now: this.clock.date(),
      toleranceSeconds: this.config.WEBHOOK_TOLERANCE_SECONDS,
      ...(secrets.notificationUrl !== undefined ? { notificationUrl: secrets.notificationUrl } : {}),
    });
  }

  private async store(
    tenantId: string,
    request: WebhookIngestRequest,
    rawBody: Buffer,
    verified: Extract<WebhookVerification, { ok: true }>,
  ): Promise<{ id: string; duplicate: boolean }> {
    try {
      return await this.events.insertIfNew({
        tenantId,
        provider: request.provider,
        connectionId: request.connectionId,
        dedupKey: verified.dedupId,
        providerEventId: verified.providerEventId ?? null,
        eventType: verified.eventType,
        headers: request.headers,
        rawBody,
      });
    } catch (error) {
      // Postgres down or slow: the gateway answers 503 and the provider retries; never a 2xx without a row.
      webhookIntakeTotal.inc({ provider: request.provider, outcome: 'unavailable' });
      this.logger.error(`cannot store webhook: ${error instanceof Error ? error.message : String(error)}`);
      throw new BusError('UNAVAILABLE', 'Cannot store the event right now');
    }
  }
}

// `status` is for gateways that predate mapping the code themselves.
function rejected(status: 400 | 401 | 404, code: WebhookRefusalReason, message: string): WebhookIngestResponse {
  return { result: 'rejected', status, code, message };
}

function statusFor(code: WebhookFailureCode): 400 | 401 {
  return code === 'MALFORMED_BODY' || code === 'MISSING_DEDUP_ID' ? 400 : 401;
}

function messageFor(code: WebhookFailureCode): string {
  switch (code) {
    case 'MISSING_SECRET':
      return 'No verification secret is configured for this connection';
    case 'MISSING_SIGNATURE':
      return 'The signature header is missing';
    case 'MALFORMED_SIGNATURE':
      return 'The signature header is malformed';
    case 'BAD_SIGNATURE':
      return 'The signature does not match';
    case 'TIMESTAMP_OUT_OF_TOLERANCE':
      return 'The signed timestamp is outside the allowed window';
    case 'MISSING_DEDUP_ID':
      return 'The delivery carries no event id';
    case 'MALFORMED_BODY':
      return 'The body is not the JSON the provider sends';
  }
}
