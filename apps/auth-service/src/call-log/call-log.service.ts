import { Injectable } from '@nestjs/common';
import type { CallsListRequest, CallView } from '@shelflink/contracts';
import { CallLogStore, urlTemplate, type CallContext } from '@shelflink/observability';
import { AsyncLocalStorage } from 'node:async_hooks';

/** Who auth-service's provider calls in `work` are for; attempts are numbered per method and path within it. */
interface CallScope extends CallContext {
  attempts: Map<string, number>;
}

const scopes = new AsyncLocalStorage<CallScope>();

/** Runs `work` with its provider calls logged under this tenant, connection and provider (caller `auth-service`). */
export function withProviderCall<T>(
  context: Omit<CallContext, 'caller'> & { caller?: string },
  work: () => Promise<T>,
): Promise<T> {
  return scopes.run({ caller: 'auth-service', ...context, attempts: new Map() }, work);
}

/** One finished request of auth-service's ProviderHttpClient. */
export interface SentRequest {
  method: string;
  url: string;
  status: number;
  durationMs: number;
}

/**
 * auth-service's outbound call log (`auth.provider_calls`): token endpoints, connection tests, revokes, account lookups
 * and webhook subscription calls. auth-service has no breaker or shared budget: those columns are `none` and 0.
 */
@Injectable()
export class CallLogService {
  constructor(readonly store: CallLogStore) {}

  /** Records one request; outside a `withProviderCall` scope it has no tenant and provider `unknown`. */
  sent(request: SentRequest): void {
    const scope = scopes.getStore();
    const route = `${request.method} ${urlTemplate(request.url).path}`;
    const attempt = (scope?.attempts.get(route) ?? 0) + 1;
    scope?.attempts.set(route, attempt);
    const { attempts: _attempts, ...context } = scope ?? {
      tenantId: null,
      connectionId: null,
      provider: 'unknown',
      caller: 'auth-service',
      attempts: undefined,
    };
    this.store.record(context, { ...request, attempt, rateLimitWaitMs: 0, breakerState: 'none' });
  }

  list(request: CallsListRequest): Promise<CallView[]> {
    return this.store.list(request);
  }
}
