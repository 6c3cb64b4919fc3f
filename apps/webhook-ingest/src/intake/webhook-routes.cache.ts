import { Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Subscription } from '@nats-io/transport-node';
import { connectionChangedEvent, subjects, webhookRoutesGetContract, type WebhookRoute } from '@shelflink/contracts';
import { NatsClient } from '@shelflink/messaging';
import { SingleFlight } from '@shelflink/resilience';
import { WebhookConfig } from '../config/webhook.config.js';

// Accounts remembered at once; past it the oldest go first (a forged account key never reaches here: it is verified).
const maxEntries = 50_000;

/**
 * Where an app-level delivery goes: a provider account's active connections, from auth-service, cached per account
 * (an unknown account too) so routing is never a query per delivery. `auth.event.connection.changed.v1` drops an
 * account's entry at once (every replica listens); the TTL bounds an event that was lost.
 */
@Injectable()
export class WebhookRoutesCache implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly entries = new Map<string, { routes: readonly WebhookRoute[]; fetchedAt: number }>();
  private readonly flights = new SingleFlight<string, readonly WebhookRoute[]>();
  /** Bumped by every change event, so a lookup that raced a change is used once but not cached. */
  private changes = 0;
  private subscription?: Subscription;

  constructor(
    private readonly nats: NatsClient,
    private readonly config: WebhookConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.subscription = this.nats.subscribeEvents(
      subjects.authEventConnectionChanged,
      connectionChangedEvent,
      (event) => {
        // A change without an account key can still have moved one (a key removed): forget every account then.
        if (event.accountKey === undefined) this.forgetProvider(event.provider);
        else this.forget(cacheKey(event.provider, event.accountKey));
      },
    );
  }

  onApplicationShutdown(): void {
    this.subscription?.unsubscribe();
  }

  async get(provider: string, accountKey: string): Promise<readonly WebhookRoute[]> {
    const key = cacheKey(provider, accountKey);
    const entry = this.entries.get(key);
    if (entry && Date.now() - entry.fetchedAt < this.config.WEBHOOK_ROUTE_CACHE_TTL_MS) return entry.routes;
    return this.flights.run(key, async () => {
      const changesBefore = this.changes;
      const { routes } = await this.nats.request(webhookRoutesGetContract, { provider, accountKey }, 2_000);
      if (this.changes === changesBefore) this.remember(key, routes);
      return routes;
    });
  }

  private remember(key: string, routes: readonly WebhookRoute[]): void {
    this.entries.delete(key);
    this.entries.set(key, { routes, fetchedAt: Date.now() });
    if (this.entries.size > maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
  }

  private forget(key: string): void {
    this.entries.delete(key);
    this.changes += 1;
  }

  private forgetProvider(provider: string): void {
    const prefix = cacheKey(provider, '');
    for (const key of [...this.entries.keys()]) if (key.startsWith(prefix)) this.entries.delete(key);
    this.changes += 1;
  }
}

function cacheKey(provider: string, accountKey: string): string {
  return `${provider}\u0000${accountKey}`;
}
