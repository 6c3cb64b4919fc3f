import { Injectable } from '@nestjs/common';
import { BusError, type ProviderRequestRequest, type ProviderRequestResponse } from '@shelflink/contracts';
import { SyncConfig } from '../config/sync.config.js';
import { AccountResolver } from '../provider/account.resolver.js';
import { ConnectionDirectory } from '../provider/connection-directory.service.js';
import type { ProviderAccount } from '../provider/provider-catalog.service.js';
import { ProviderHttpClient, type ProviderRequest } from '../provider/provider-http.client.js';
import { encodeBody, idempotentPlan, proxyBody, readBounded } from './proxy-body.js';
import { checkProxyPath, forwardedHeaders, returnedHeaders, urlUnderBase } from './proxy-request.guard.js';
import { proxyBusError } from './proxy.errors.js';

/** Who asks: Shelflink itself (`admin`: the gateway and operators) or a consumer service by its NATS-proven name. */
export type ProxyCaller = string;

/** A checked proxy request: the account to call and the request for the guarded client. */
export interface PreparedProxyRequest {
  account: ProviderAccount;
  request: ProviderRequest;
}

/**
 * The proxy: one provider API request for one connection, with auth injected, through the account's shared budget,
 * breaker and retries (the same client the pullers use). Everything is checked before a byte leaves.
 */
@Injectable()
export class ProxyService {
  constructor(
    private readonly resolver: AccountResolver,
    private readonly directory: ConnectionDirectory,
    private readonly http: ProviderHttpClient,
    private readonly config: SyncConfig,
  ) {}

  async request(input: ProviderRequestRequest, caller: ProxyCaller): Promise<ProviderRequestResponse> {
    try {
      const { account, request } = await this.prepare(input, caller);
      const maxBytes = this.config.PROXY_MAX_RESPONSE_BYTES;
      const answer = await this.http.exchange(account, { ...request, passthrough: true }, async (response) => ({
        status: response.status,
        headers: returnedHeaders(response.headers),
        bytes: request.method === 'HEAD' ? Buffer.alloc(0) : await readBounded(response, maxBytes),
      }));
      return { status: answer.status, headers: answer.headers, ...encodeBody(answer.bytes) };
    } catch (error) {
      throw proxyBusError(error);
    }
  }

  /**
   * Validates path, headers and body, checks a consumer's grants (auth-service answers FORBIDDEN before the
   * connection is even looked up), and resolves the account. Refusals are bus errors; nothing is sent.
   */
  async prepare(input: ProviderRequestRequest, caller: ProxyCaller): Promise<PreparedProxyRequest> {
    const path = checkProxyPath(input.path);
    const headers = forwardedHeaders(input.headers);
    const body = proxyBody(input, this.config.PROXY_MAX_REQUEST_BYTES);
    if (caller !== 'admin') await this.checkGrant(input.tenantId, input.connectionId, caller);
    const account = await this.resolver.resolve(input.tenantId, input.connectionId, true);
    urlUnderBase(account.baseUrl, path);
    const plan = idempotentPlan(account, input.method, path, body);
    const deadlineMs = Math.min(input.deadlineMs ?? Infinity, this.config.PROXY_DEADLINE_MS);
    const request: ProviderRequest = {
      method: input.method,
      path,
      headers,
      ...(plan.body.json === undefined ? {} : { body: plan.body.json }),
      ...(plan.body.raw === undefined ? {} : { rawBody: plan.body.raw }),
      idempotent: plan.idempotent || headers['idempotency-key'] !== undefined,
      deadlineMs,
      caller,
    };
    return { account, request };
  }

  /** auth-service checks the service's grants before anything else: FORBIDDEN, whether the connection exists or not. */
  private async checkGrant(tenantId: string, connectionId: string, caller: ProxyCaller): Promise<void> {
    await this.directory.authHeaders(tenantId, connectionId, caller).catch((error: unknown) => {
      // Past the grant check, a TBA connection has no token to hand out: its requests are signed one by one.
      if (error instanceof BusError && error.code === 'INVALID_REQUEST') return;
      throw error;
    });
  }
}
