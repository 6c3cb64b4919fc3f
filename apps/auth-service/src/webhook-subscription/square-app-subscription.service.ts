import { Injectable } from '@nestjs/common';
import { BusError, type adminWebhooksEnsureResponse } from '@shelflink/contracts';
import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import { withProviderCall } from '../call-log/call-log.service.js';
import { ProviderHttpClient, type ProviderResponse } from '../provider/provider-http.client.js';
import { ProviderRegistry } from '../provider/provider-registry.service.js';
import { asBusError, SubscriptionCallError } from './webhook-subscription.errors.js';

type EnsureResult = z.infer<typeof adminWebhooksEnsureResponse>;

/** Square's WebhookSubscription object, the fields this reads. */
interface SquareSubscription {
  id: string;
  enabled?: boolean;
  event_types?: string[];
  notification_url?: string;
  api_version?: string;
  signature_key?: string;
}

const NAME = 'Shelflink';
/** A bound on the listing (10,000 subscriptions), so a looping cursor cannot hold the command forever. */
const MAX_LIST_PAGES = 100;

/**
 * Square's app-level subscription (PROVIDERS.md §1.2): owned by the application, so the Webhook Subscriptions API is
 * called with the application's personal access token, never a seller's OAuth token. One subscription points at
 * `{PUBLIC_BASE_URL}/webhooks/square` with the configured event types and API version.
 */
@Injectable()
export class SquareAppSubscriptionService {
  constructor(
    private readonly registry: ProviderRegistry,
    private readonly http: ProviderHttpClient,
  ) {}

  async ensure(): Promise<EnsureResult> {
    const app = this.registry.configured('square');
    const token = app?.appAccessToken?.reveal();
    if (!app || token === undefined)
      throw new BusError('INVALID_REQUEST', 'providers.square.appAccessToken is not configured');
    const definition = app.definition;
    const base = `${definition.apiBase ?? ''}/v2/webhooks/subscriptions`;
    const headers = { ...definition.extraHeaders, Authorization: `Bearer ${token}` };
    const url = this.registry.appWebhookUrl('square');
    const eventTypes = [...app.webhookTopics];
    const apiVersion = app.webhookApiVersion ?? definition.extraHeaders['Square-Version'] ?? '';
    const wanted = { notification_url: url, event_types: eventTypes, api_version: apiVersion, enabled: true };
    try {
      const existing = await this.find(base, headers, url);
      let action: EnsureResult['action'] = 'unchanged';
      let subscription = existing;
      if (!existing) {
        action = 'created';
        subscription = subscriptionOf(
          await this.call({
            method: 'POST',
            url: base,
            headers,
            json: { idempotency_key: randomUUID(), subscription: { name: NAME, ...wanted } },
          }),
        );
      } else if (!matches(existing, wanted)) {
        action = 'updated';
        subscription = subscriptionOf(
          await this.call({
            method: 'PUT',
            url: `${base}/${encodeURIComponent(existing.id)}`,
            headers,
            json: { subscription: wanted },
          }),
        );
      }
      // Square's list leaves the signature key out; retrieving the subscription shows it.
      if (subscription && subscription.signature_key === undefined)
        subscription = subscriptionOf(
          await this.call({ method: 'GET', url: `${base}/${encodeURIComponent(subscription.id)}`, headers }),
        );
      return this.report(action, subscription, url, eventTypes, apiVersion);
    } catch (error) {
      throw asBusError('square', error);
    }
  }

  /** The subscription pointing at `url`, read page by page (Square lists at most 100 at a time). */
  private async find(base: string, headers: Record<string, string>, url: string) {
    let cursor: string | undefined;
    for (let page = 0; page < MAX_LIST_PAGES; page++) {
      const query = `include_disabled=true&limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const listed = listOf(await this.call({ method: 'GET', url: `${base}?${query}`, headers }));
      const found = listed.subscriptions.find((subscription) => subscription.notification_url === url);
      if (found || listed.cursor === undefined) return found;
      cursor = listed.cursor;
    }
    return undefined;
  }

  private report(
    action: EnsureResult['action'],
    subscription: SquareSubscription | undefined,
    url: string,
    eventTypes: string[],
    apiVersion: string,
  ): EnsureResult {
    if (!subscription) throw new SubscriptionCallError('square', 'MALFORMED_RESPONSE');
    const key = subscription.signature_key;
    const configured = (this.registry.configured('square')?.webhookSecrets ?? []).map((secret) => secret.reveal());
    const status: EnsureResult['signatureKeyStatus'] =
      key === undefined
        ? 'not-shown'
        : configured.length === 0
          ? 'not-configured'
          : configured.includes(key)
            ? 'matches'
            : 'mismatch';
    return {
      provider: 'square',
      action,
      subscriptionId: subscription.id,
      url,
      eventTypes,
      apiVersion,
      signatureKeyStatus: status,
      // The key leaves only when the operator has to configure it.
      ...(key !== undefined && status !== 'matches' ? { signatureKey: key } : {}),
    };
  }

  private async call(request: Parameters<ProviderHttpClient['send']>[0]): Promise<ProviderResponse> {
    // The app's own subscription belongs to no tenant: its rows are for operators (SQL), not any tenant's API.
    const scope = { tenantId: null, connectionId: null, provider: 'square' };
    const response = await withProviderCall(scope, () => this.http.send(request));
    if (response.status < 200 || response.status >= 300)
      throw SubscriptionCallError.ofStatus('square', response.status);
    return response;
  }
}

function matches(existing: SquareSubscription, wanted: { event_types: string[]; api_version: string }): boolean {
  const have = [...(existing.event_types ?? [])].sort().join(',');
  return (
    existing.enabled !== false &&
    have === [...wanted.event_types].sort().join(',') &&
    existing.api_version === wanted.api_version
  );
}

function listOf(response: ProviderResponse): { subscriptions: SquareSubscription[]; cursor?: string } {
  const body = response.body as { subscriptions?: unknown; cursor?: unknown } | undefined;
  const list = body?.subscriptions ?? [];
  if (!Array.isArray(list)) throw new SubscriptionCallError('square', 'MALFORMED_RESPONSE');
  const cursor = typeof body?.cursor === 'string' && body.cursor !== '' ? body.cursor : undefined;
  return { subscriptions: list.filter(isSubscription), ...(cursor ? { cursor } : {}) };
}

function subscriptionOf(response: ProviderResponse): SquareSubscription {
  const subscription = (response.body as { subscription?: unknown } | undefined)?.subscription;
  if (!isSubscription(subscription)) throw new SubscriptionCallError('square', 'MALFORMED_RESPONSE');
  return subscription;
}

function isSubscription(value: unknown): value is SquareSubscription {
  return typeof value === 'object' && value !== null && typeof (value as { id?: unknown }).id === 'string';
}
