import { Injectable, Logger } from '@nestjs/common';
import {
  BusError,
  type WebhookRoute,
  type WebhookIngestRequest,
  type WebhookIngestResponse,
  type WebhookRefusalReason,
  type WebhookSecretsGetResponse,
} from '@shelflink/contracts';
import {
  verifyWebhook,
  type WebhookAccepted,
  type WebhookFailureCode,
  type WebhookScheme,
  type WebhookVerification,
} from '@shelflink/providers';
import { Clock } from '@shelflink/runtime';
import { WebhookConfig } from '../config/webhook.config.js';
import { OutboxRelay } from '../outbox/outbox-relay.service.js';
import { webhookAccountMismatchTotal, webhookIntakeTotal, webhookUnroutableTotal } from '../metrics/webhook.metrics.js';
import { ReceivedEventRepository } from '../received-event/received-event.repository.js';
import { UnroutableEventRepository } from '../unroutable/unroutable-event.repository.js';
import { WebhookRoutesCache } from './webhook-routes.cache.js';
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
    private readonly routes: WebhookRoutesCache,
    private readonly events: ReceivedEventRepository,
    private readonly unroutable: UnroutableEventRepository,
    private readonly relay: OutboxRelay,
    private readonly config: WebhookConfig,
    private readonly clock: Clock,
  ) {}

  async receive(request: WebhookIngestRequest): Promise<WebhookIngestResponse> {
    const rawBody = Buffer.from(request.rawBody, 'base64');
    return request.connectionId === undefined
      ? this.receiveAppLevel(request, rawBody)
      : this.receiveForConnection(request, request.connectionId, rawBody);
  }

  /** `POST /webhooks/{provider}/{connectionId}`: the connection's secrets, and never another account's delivery. */
  private async receiveForConnection(
    request: WebhookIngestRequest,
    connectionId: string,
    rawBody: Buffer,
  ): Promise<WebhookIngestResponse> {
    const checked = await this.authenticate(request, connectionId, rawBody);
    if (!checked.ok) return checked.refusal;
    const { secrets, verification } = checked;
    const tenantId = secrets.tenantId;
    if (tenantId === undefined) return unknownConnection();
    if (
      verification.accountKey !== undefined &&
      secrets.accountKey !== undefined &&
      verification.accountKey !== secrets.accountKey
    ) {
      // An app subscription pointed at one connection's URL: another merchant's sales are not this connection's.
      webhookAccountMismatchTotal.inc({ provider: request.provider });
      return this.refuse(request, 403, 'ACCOUNT_MISMATCH', "The delivery names another account than the connection's");
    }
    const stored = await this.store({ tenantId, connectionId }, request, rawBody, verification);
    webhookIntakeTotal.inc({ provider: request.provider, outcome: stored.duplicate ? 'duplicate' : 'stored' });
    return { result: 'stored', eventId: stored.id, duplicate: stored.duplicate };
  }

  /**
   * `POST /webhooks/{provider}`: the app's secrets, then one event per active connection of the delivery's account,
   * in every tenant. An authentic delivery no connection matches is kept as unroutable and still answered 2xx: a
   * refusal would make the provider retry for days and then disable the subscription for every merchant.
   */
  private async receiveAppLevel(request: WebhookIngestRequest, rawBody: Buffer): Promise<WebhookIngestResponse> {
    const checked = await this.authenticate(request, undefined, rawBody);
    if (!checked.ok) return checked.refusal;
    const { verification } = checked;
    const accountKey = verification.accountKey;
    if (accountKey === undefined)
      return this.refuse(request, 400, 'MISSING_ACCOUNT_KEY', 'The delivery does not say whose event it is');
    const routes = await this.routes.get(request.provider, accountKey).catch(() => {
      throw new BusError('UNAVAILABLE', 'Cannot route the event right now');
    });
    // Events go to active connections; a privacy request to every connection that may still hold the account's data.
    const targets = verification.compliance ? routes : routes.filter((route) => route.status === 'active');
    if (targets.length === 0) return this.keepUnroutable(request, accountKey, rawBody, verification);
    const stored = await Promise.all(targets.map((route) => this.store(route, request, rawBody, verification)));
    for (const event of stored)
      webhookIntakeTotal.inc({ provider: request.provider, outcome: event.duplicate ? 'duplicate' : 'stored' });
    return {
      result: 'stored',
      eventId: stored[0]?.id ?? '',
      eventIds: stored.map((event) => event.id),
      duplicate: stored.every((event) => event.duplicate),
    };
  }

  private async keepUnroutable(
    request: WebhookIngestRequest,
    accountKey: string,
    rawBody: Buffer,
    verified: WebhookAccepted,
  ): Promise<WebhookIngestResponse> {
    const kept = await this.unroutable
      .insertIfNew({ ...deliveryFields(request, rawBody, verified), accountKey })
      .catch((error: unknown) => this.unavailable(request, error));
    if (!kept.duplicate) webhookUnroutableTotal.inc({ provider: request.provider });
    webhookIntakeTotal.inc({ provider: request.provider, outcome: 'unroutable' });
    return { result: 'stored', eventId: kept.id, duplicate: kept.duplicate, unroutable: true };
  }

  /** Looks up the secrets and verifies; a failed check with cached secrets refetches once (a rotation). */
  private async authenticate(
    request: WebhookIngestRequest,
    connectionId: string | undefined,
    rawBody: Buffer,
  ): Promise<
    | { ok: true; secrets: WebhookSecretsGetResponse; verification: WebhookAccepted }
    | { ok: false; refusal: WebhookIngestResponse }
  > {
    const secrets = await this.lookupSecrets(request.provider, connectionId);
    if (!secrets || secrets.value.provider !== request.provider) {
      webhookIntakeTotal.inc({ provider: 'unknown', outcome: connectionId ? 'UNKNOWN_CONNECTION' : 'NO_APP_ROUTE' });
      return { ok: false, refusal: connectionId ? unknownConnection() : noAppRoute() };
    }
    // Only a provider whose catalog declares an account key can be routed, whatever its deliveries look like.
    if (connectionId === undefined && secrets.value.routable !== true) return { ok: false, refusal: noAppRoute() };
    let current = secrets.value;
    let verification = this.verify(current, request, rawBody);
    if (!verification.ok && secrets.cached && secretDependent.includes(verification.code)) {
      const fresh = await this.secrets.refetch(request.provider, connectionId).catch(() => undefined);
      if (fresh) {
        current = fresh;
        verification = this.verify(fresh, request, rawBody);
      }
    }
    if (!verification.ok) {
      const { code } = verification;
      return { ok: false, refusal: this.refuse(request, statusFor(code), code, messageFor(code)) };
    }
    return { ok: true, secrets: current, verification };
  }

  private refuse(
    request: WebhookIngestRequest,
    status: 400 | 401 | 403 | 404,
    code: WebhookRefusalReason,
    message: string,
  ): WebhookIngestResponse {
    webhookIntakeTotal.inc({ provider: request.provider, outcome: code });
    const target = request.connectionId === undefined ? 'app' : request.connectionId.slice(0, 64);
    this.logger.warn(`webhook refused: ${code} (${request.provider}/${target})`);
    return rejected(status, code, message);
  }

  private async lookupSecrets(provider: string, connectionId: string | undefined) {
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

  /** Stores one connection's event; committed (or a known duplicate) before it resolves, then handed to the relay. */
  private async store(
    route: Pick<WebhookRoute, 'tenantId' | 'connectionId'>,
    request: WebhookIngestRequest,
    rawBody: Buffer,
    verified: WebhookAccepted,
  ): Promise<{ id: string; duplicate: boolean }> {
    const stored = await this.events
      .insertIfNew({
        ...deliveryFields(request, rawBody, verified),
        tenantId: route.tenantId,
        connectionId: route.connectionId,
      })
      .catch((error: unknown) => this.unavailable(request, error));
    if (!stored.duplicate) this.relay.notify({ id: stored.id, generation: 0 });
    return stored;
  }

  // Postgres down or slow: the gateway answers 503 and the provider retries; never a 2xx without a row.
  private unavailable(request: WebhookIngestRequest, error: unknown): never {
    webhookIntakeTotal.inc({ provider: request.provider, outcome: 'unavailable' });
    this.logger.error(`cannot store webhook: ${error instanceof Error ? error.message : String(error)}`);
    throw new BusError('UNAVAILABLE', 'Cannot store the event right now');
  }
}

// `status` is for gateways that predate mapping the code themselves.
function rejected(status: 400 | 401 | 403 | 404, code: WebhookRefusalReason, message: string): WebhookIngestResponse {
  return { result: 'rejected', status, code, message };
}

/** What every stored form of a verified delivery keeps (a connection's event, an unroutable one). */
function deliveryFields(request: WebhookIngestRequest, rawBody: Buffer, verified: WebhookAccepted) {
  return {
    provider: request.provider,
    dedupKey: verified.dedupId,
    providerEventId: verified.providerEventId ?? null,
    eventType: verified.eventType,
    headers: request.headers,
    rawBody,
  };
}

function unknownConnection(): WebhookIngestResponse {
  return rejected(404, 'UNKNOWN_CONNECTION', 'No such connection for this provider');
}

function noAppRoute(): WebhookIngestResponse {
  return rejected(404, 'NO_APP_ROUTE', 'This provider has no app-level webhook route');
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
