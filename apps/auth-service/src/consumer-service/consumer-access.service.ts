import { Injectable } from '@nestjs/common';
import {
  BusError,
  consumerNatsUser,
  type TbaSignRequest,
  type TbaSignResponse,
  type TokenGetRequest,
  type TokenGetResponse,
} from '@shelflink/contracts';
import { AuditRepository } from '../audit/audit.repository.js';
import { ConnectionLifecycleService } from '../connection-lifecycle/connection-lifecycle.service.js';
import { TokenService } from '../token/token.service.js';
import { ConsumerGrantsService } from './consumer-grants.service.js';
import { consumerRequestsTotal } from './consumer.metrics.js';

type RequestKind = 'token' | 'sign';

/**
 * Tokens and TBA signatures for consumer services, within their grants. `service` comes from the subject, which only
 * that service's NATS user may publish. Served tokens are audited by TokenService (once a minute per connection and
 * caller), signatures by the signer (each), refusals here (each); the actor is always the caller's NATS user.
 */
@Injectable()
export class ConsumerAccessService {
  constructor(
    private readonly grants: ConsumerGrantsService,
    private readonly tokens: TokenService,
    private readonly lifecycle: ConnectionLifecycleService,
    private readonly audit: AuditRepository,
  ) {}

  token(service: string | undefined, request: TokenGetRequest): Promise<TokenGetResponse> {
    return this.served(service, 'token', request, (guard) =>
      this.tokens.get(request.tenantId, request.connectionId, actorOf(service), request.refusedTokenFingerprint, guard),
    );
  }

  sign(service: string | undefined, request: TbaSignRequest): Promise<TbaSignResponse> {
    return this.served(service, 'sign', request, (guard) =>
      this.lifecycle.signTba(request.tenantId, request.connectionId, request.method, request.url, {
        actor: actorOf(service),
        guard,
      }),
    );
  }

  private async served<T>(
    service: string | undefined,
    kind: RequestKind,
    request: { tenantId: string; connectionId: string },
    serve: (guard: (provider: string) => void) => Promise<T>,
  ): Promise<T> {
    const label = service ?? 'unknown';
    try {
      const grant = this.grants.check(service, request.tenantId, request.connectionId);
      const reply = await serve((provider) => this.grants.checkProvider(grant, provider));
      consumerRequestsTotal.inc({ service: label, request: kind, outcome: 'ok' });
      return reply;
    } catch (error) {
      const code = error instanceof BusError ? error.code : 'INTERNAL';
      consumerRequestsTotal.inc({ service: label, request: kind, outcome: code });
      if (code === 'FORBIDDEN' || code === 'NOT_FOUND') {
        await this.audit.recordQuietly({
          tenantId: request.tenantId,
          connectionId: request.connectionId,
          event: 'credential.denied',
          actor: actorOf(service),
          detail: { code, request: kind },
        });
      }
      throw error;
    }
  }
}

const actorOf = (service: string | undefined): string => (service ? consumerNatsUser(service) : 'unknown');
