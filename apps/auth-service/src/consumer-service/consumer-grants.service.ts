import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Subscription } from '@nats-io/transport-node';
import {
  BusError,
  subjects,
  type ConsumerGrants,
  type ConsumerServiceView,
  type ServiceChangedEvent,
} from '@shelflink/contracts';
import { NatsClient } from '@shelflink/messaging';
import { PeriodicTask } from '@shelflink/runtime';
import { ConsumerServiceRepository } from './consumer-service.repository.js';

/** A full reload from Postgres behind the change events, for events a replica missed while disconnected. */
const RELOAD_INTERVAL_MS = 10_000;

/**
 * Every consumer service's grants, mirrored in memory so the hot token path reads no table. The replica that adds or
 * removes a service applies it at once and publishes `auth.event.service.changed.v1` (flushed before it answers the
 * operator); every replica reloads the table from Postgres on that event, never trusting its content, and every few
 * seconds for events missed while disconnected. Unknown services are refused.
 */
@Injectable()
export class ConsumerGrantsService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ConsumerGrantsService.name);
  private grants = new Map<string, ConsumerGrants>();
  private loaded = false;
  /** Bumped by every change seen; a reload that read the table before the latest change reads it again. */
  private generation = 0;
  private subscription: Subscription | undefined;
  private readonly reload = new PeriodicTask('consumer grants reload', () => this.reloadAll(), this.logger);

  constructor(
    private readonly repository: ConsumerServiceRepository,
    private readonly nats: NatsClient,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.subscription = this.nats.connection.subscribe(subjects.authEventServiceChanged, {
      callback: (error) => {
        if (error) return;
        this.generation += 1;
        void this.reload.runOnce();
      },
    });
    // A failed first load is logged and tried again at the next tick; until then requests are UNAVAILABLE.
    await this.reload.runOnce();
    this.reload.start(RELOAD_INTERVAL_MS);
  }

  onApplicationShutdown(): void {
    this.reload.stop();
    this.subscription?.unsubscribe();
  }

  async add(service: Omit<ConsumerServiceView, 'createdAt'>): Promise<ConsumerServiceView> {
    const created = await this.repository.insert(service);
    const { name, tenants, providers, connections } = created;
    await this.announce({ name, tenants, providers, connections, removed: false });
    return created;
  }

  async remove(name: string): Promise<{ name: string; removed: boolean }> {
    const removed = await this.repository.delete(name);
    if (removed) await this.announce({ name, tenants: [], providers: [], connections: [], removed: true });
    return { name, removed };
  }

  /**
   * The grant under which `service` may reach this connection; FORBIDDEN for an unknown service, a tenant it is not
   * granted (whether the connection exists there or not), or an id outside its listed connections.
   */
  check(service: string | undefined, tenantId: string, connectionId: string): ConsumerGrants {
    if (!this.loaded) throw new BusError('UNAVAILABLE', 'Consumer grants are not loaded yet; retry');
    const grant = service === undefined ? undefined : this.grants.get(service);
    if (!grant || !grant.tenants.includes(tenantId)) throw forbidden();
    if (grant.connections.length > 0 && !grant.connections.includes(connectionId)) throw forbidden();
    return grant;
  }

  /** FORBIDDEN when the grant lists providers and this is not one of them. */
  checkProvider(grant: ConsumerGrants, provider: string): void {
    if (grant.providers.length > 0 && !grant.providers.includes(provider)) throw forbidden();
  }

  /** Applied here first, then published and flushed: the server has the event before the operator has the reply. */
  private async announce(event: ServiceChangedEvent): Promise<void> {
    this.generation += 1;
    if (event.removed) this.grants.delete(event.name);
    else this.grants.set(event.name, event);
    this.nats.connection.publish(subjects.authEventServiceChanged, JSON.stringify(event));
    await this.nats.connection.flush();
  }

  /** Read again when an event arrived meanwhile: the older read must not undo it. */
  private async reloadAll(): Promise<void> {
    let started: number;
    let services: ConsumerServiceView[];
    do {
      started = this.generation;
      services = await this.repository.list();
    } while (this.generation !== started);
    this.grants = new Map(services.map((service) => [service.name, service]));
    this.loaded = true;
  }
}

/** One message for every refusal: the caller cannot tell a missing connection from another tenant's. */
function forbidden(): BusError {
  return new BusError('FORBIDDEN', 'This service may not use this connection');
}
