import { Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Msg, Subscription } from '@nats-io/transport-node';
import { randomBytes } from 'node:crypto';
import {
  BusError,
  defineRequest,
  providerCreditSubject,
  providerPageChunk,
  providerRequestRequest,
  providerRequestResponse,
  serviceOfSubject,
  subjects,
  type ProviderPageChunk,
  type ProviderRequestRequest,
  type ProviderRequestResponse,
} from '@shelflink/contracts';
import { answerRequests, ChunkCredit, NatsClient } from '@shelflink/messaging';
import { z } from 'zod';
import { SyncConfig } from '../config/sync.config.js';
import { ProxyPager } from './proxy-pager.service.js';
import { ProxyService, type ProxyCaller } from './proxy.service.js';

// One subscription per subject answers both shapes: a single response, or chunks with the last one as the reply.
const answered = z.union([providerRequestResponse, providerPageChunk]);
const adminContract = defineRequest(subjects.providerRequest, providerRequestRequest, answered);
const consumerContract = defineRequest(subjects.consumerProviderRequest, providerRequestRequest, answered);

/**
 * `provider.request.v1` (gateway and operators: caller `admin`, the tenant from their verified principal) and
 * `provider.request.v1.<service>` (the caller is the subject's last token, which only user `svc-<service>` may
 * publish), in queue group `sync-service` so any replica answers.
 */
@Injectable()
export class ProxyResponder implements OnApplicationBootstrap, OnApplicationShutdown {
  private subscriptions: Subscription[] = [];

  constructor(
    private readonly nats: NatsClient,
    private readonly proxy: ProxyService,
    private readonly pager: ProxyPager,
    private readonly config: SyncConfig,
  ) {}

  onApplicationBootstrap(): void {
    const connection = this.nats.connection;
    this.subscriptions = [
      answerRequests(connection, adminContract, 'sync-service', (request, msg) => this.answer(request, 'admin', msg)),
      answerRequests(connection, consumerContract, 'sync-service', async (request, msg) =>
        this.answer(request, consumerOf(msg.subject), msg),
      ),
    ];
  }

  private fitting(reply: ProviderRequestResponse): ProviderRequestResponse {
    return fittingReply(reply, this.maxPayload());
  }

  private maxPayload(): number {
    return this.nats.connection.info?.max_payload ?? 1024 * 1024;
  }

  onApplicationShutdown(): void {
    for (const subscription of this.subscriptions) subscription.unsubscribe();
  }

  private async answer(
    request: ProviderRequestRequest,
    caller: ProxyCaller,
    msg: Msg,
  ): Promise<ProviderRequestResponse | ProviderPageChunk> {
    if (!request.paginate) return this.fitting(await this.proxy.request(request, caller));
    const connection = this.nats.connection;
    const walkId = randomBytes(12).toString('base64url');
    const timeoutMs = this.config.PROXY_CHUNK_CREDIT_TIMEOUT_MS;
    const credit = ChunkCredit.open(connection, msg, providerCreditSubject(walkId, caller), timeoutMs);
    try {
      for await (const chunk of this.pager.chunks(request, caller)) {
        const text = JSON.stringify(chunk);
        if (Buffer.byteLength(text) > this.maxPayload() - 1024)
          throw new BusError('INVALID_REQUEST', 'A chunk of items is too large for the bus', 'PAYLOAD_TOO_LARGE');
        if (chunk.done) return chunk;
        // Waits for the requester's credit before the walk fetches another page.
        if (credit) await credit.send(text);
        else await this.sendUnpaced(msg, text);
      }
    } finally {
      credit?.close();
    }
    throw new Error('page walk ended without its last chunk');
  }

  /** A requester that asked for no flow control: paced only by the server taking each chunk. */
  private async sendUnpaced(msg: Msg, text: string): Promise<void> {
    msg.respond(text);
    await this.nats.connection.flush();
  }
}

/** A body escaping or base64 grew past the bus's max_payload is PAYLOAD_TOO_LARGE, never a failed publish. */
function fittingReply(reply: ProviderRequestResponse, maxPayload: number): ProviderRequestResponse {
  if (reply.body.length * 2 < maxPayload) return reply;
  if (Buffer.byteLength(JSON.stringify(reply)) > maxPayload - 1024)
    throw new BusError('INVALID_REQUEST', "The provider's response is too large for the bus", 'PAYLOAD_TOO_LARGE');
  return reply;
}

/** The consumer service that sent it; `admin` and `sync` name Shelflink itself, never a consumer (no grants apply). */
function consumerOf(subject: string): ProxyCaller {
  const service = serviceOfSubject(subject);
  if (service === undefined || service === 'admin' || service === 'sync')
    throw new BusError('FORBIDDEN', 'This service may not use the proxy');
  return service;
}
