import { Injectable } from '@nestjs/common';
import { webhookSecretsGetContract, type WebhookSecretsGetResponse } from '@shelflink/contracts';
import { NatsClient } from '@shelflink/messaging';
import { SingleFlight } from '@shelflink/resilience';
import { WebhookConfig } from '../config/webhook.config.js';

export interface CachedSecrets {
  readonly value: WebhookSecretsGetResponse;
  /** True when served from the cache (a failed check may then refetch once). */
  readonly cached: boolean;
}

// A failed check refetches at most this often per connection, so bad signatures cannot hammer auth-service.
const refetchCooldownMs = 1_000;

/**
 * Verification secrets from auth-service, cached briefly per connection (or, without one, the provider's app-level
 * secrets); concurrent misses share one request.
 */
@Injectable()
export class WebhookSecretsCache {
  private readonly entries = new Map<string, { value: WebhookSecretsGetResponse; fetchedAt: number }>();
  private readonly flights = new SingleFlight<string, WebhookSecretsGetResponse>();

  constructor(
    private readonly nats: NatsClient,
    private readonly config: WebhookConfig,
  ) {}

  async get(provider: string, connectionId: string | undefined): Promise<CachedSecrets> {
    const key = cacheKey(provider, connectionId);
    const entry = this.entries.get(key);
    if (entry && Date.now() - entry.fetchedAt < this.config.WEBHOOK_SECRET_CACHE_TTL_MS)
      return { value: entry.value, cached: true };
    return { value: await this.fetch(key, provider, connectionId), cached: false };
  }

  /** After a failed check with cached secrets: fetch again (rotation), unless fetched very recently. */
  async refetch(provider: string, connectionId: string | undefined): Promise<WebhookSecretsGetResponse | undefined> {
    const key = cacheKey(provider, connectionId);
    const entry = this.entries.get(key);
    if (entry && Date.now() - entry.fetchedAt < refetchCooldownMs) return undefined;
    const fresh = await this.fetch(key, provider, connectionId);
    return entry && entry.value.version === fresh.version ? undefined : fresh;
  }

  private fetch(key: string, provider: string, connectionId: string | undefined): Promise<WebhookSecretsGetResponse> {
    return this.flights.run(key, async () => {
      const request = connectionId === undefined ? { provider } : { provider, connectionId };
      const value = await this.nats.request(webhookSecretsGetContract, request, 2_000);
      const current = this.entries.get(key);
      // Never replace a newer version with an older reply that raced it.
      if (!current || current.value.version <= value.version) this.entries.set(key, { value, fetchedAt: Date.now() });
      return value;
    });
  }
}

// Connection ids are never empty, so '' names the app-level secrets.
function cacheKey(provider: string, connectionId: string | undefined): string {
  return `${provider}\u0000${connectionId ?? ''}`;
}
