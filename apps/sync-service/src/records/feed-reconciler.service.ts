import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { jetstreamManager } from '@nats-io/jetstream';
import type { Subscription } from '@nats-io/transport-node';
import { feedStreamFor, internalServicesListContract, serviceChangedEvent, subjects } from '@shelflink/contracts';
import { NatsClient } from '@shelflink/messaging';
import { describeUnexpected } from '@shelflink/observability';
import { PeriodicTask } from '@shelflink/runtime';
import { setTimeout as delay } from 'node:timers/promises';
import { FeedStreams, type FeedGrant } from './feed-streams.service.js';

/** A full reconcile this often catches an announcement missed while NATS or this replica was away (core NATS). */
const reconcileEveryMs = 60_000;
const listTimeoutMs = 5_000;
/** An announcement that fails (JetStream briefly unavailable) is tried again this often, doubling, before the pass. */
const applyRetryMs = 250;
const applyAttempts = 6;

/**
 * Keeps every consumer service's `FEED_<NAME>` stream in line with its grant: on auth-service's
 * `auth.event.service.changed.v1`, at start-up, and every minute from auth-service's list (which also removes the
 * streams of services that no longer exist).
 */
@Injectable()
export class FeedReconciler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(FeedReconciler.name);
  private readonly reconcile = new PeriodicTask('feed reconcile', () => this.reconcileAll(), this.logger);
  private subscription?: Subscription;
  private stopped = false;

  constructor(
    private readonly nats: NatsClient,
    private readonly streams: FeedStreams,
  ) {}

  onApplicationBootstrap(): void {
    // One replica applies each announcement; applying it twice would be harmless too.
    this.subscription = this.nats.subscribeEvents(
      subjects.authEventServiceChanged,
      serviceChangedEvent,
      (event) => {
        void this.applyAnnounced(event);
      },
      'sync-service',
    );
    this.reconcile.start(reconcileEveryMs, { immediately: true });
  }

  onApplicationShutdown(): void {
    this.stopped = true;
    this.reconcile.stop();
    this.subscription?.unsubscribe();
  }

  /** Applies an announced grant, retrying a few times: the next full pass is a minute away. */
  private async applyAnnounced(event: FeedGrant): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.streams.apply(event);
        return;
      } catch (failure) {
        this.logger.warn(`feed of ${event.name} not updated (attempt ${attempt}): ${describeUnexpected(failure)}`);
        if (attempt === applyAttempts || this.stopped) return;
        await delay(applyRetryMs * 2 ** (attempt - 1));
      }
    }
  }

  /**
   * Applies every service's grant and deletes the feed streams of services auth-service no longer has. A stream made
   * less than a pass ago is left to the next pass: its service may have been added after the list was read (here or
   * on another replica, from the announcement).
   */
  async reconcileAll(): Promise<void> {
    const listedAt = Date.now();
    const { services } = await this.nats.request(internalServicesListContract, {}, listTimeoutMs);
    for (const service of services) await this.streams.apply({ ...service, removed: false });
    const known = new Set(services.map((service) => feedStreamFor(service.name)));
    const manager = await jetstreamManager(this.nats.connection);
    for await (const stream of manager.streams.list()) {
      const { name } = stream.config;
      const settled = Date.parse(stream.created) < listedAt - reconcileEveryMs;
      if (name.startsWith(feedStreamFor('')) && !known.has(name) && settled) await manager.streams.delete(name);
    }
  }
}
