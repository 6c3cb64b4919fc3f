import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { pingContracts, type ServiceName } from '@shelflink/contracts';
import { NatsClient } from '@shelflink/messaging';

/** The services the gateway forwards work to; each must answer its ping over NATS for the gateway to be ready. */
export const downstreamServices = ['auth-service', 'webhook-ingest', 'sync-service'] as const satisfies ServiceName[];

@Injectable()
export class ServicesIndicator {
  constructor(
    private readonly health: HealthIndicatorService,
    private readonly nats: NatsClient,
  ) {}

  /** One check per service, named after it, carrying the instance that answered. */
  check(service: (typeof downstreamServices)[number], timeoutMs = 1_500) {
    return this.health
      .check(service)
      .attempt(async () => {
        const reply = await this.nats.request(pingContracts[service], {}, timeoutMs);
        return { instanceId: reply.instanceId };
      })
      .withTimeout(timeoutMs + 100);
  }
}
