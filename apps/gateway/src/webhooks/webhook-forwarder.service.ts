import { Injectable } from '@nestjs/common';
import { BusError, webhookIngestBatchContract, webhookIngestBatchDelivery } from '@shelflink/contracts';
import { isPayloadTooLarge, NatsClient, parsePayload } from '@shelflink/messaging';
import { currentCorrelationId, HttpApiError } from '@shelflink/observability';
import { httpStatusOf } from '../bus/bus-error.mapper.js';
import { GatewayConfig } from '../config/gateway.config.js';
import { IngestBatcher } from './ingest-batcher.js';

export interface WebhookDelivery {
  provider: string;
  /** Absent on the app-level route, which webhook-ingest routes by the provider's account key. */
  connectionId?: string;
  headers: Record<string, string | string[]>;
  rawBody: Buffer;
  publicUrl: string;
}

export interface WebhookAnswer {
  status: 200;
  /** `eventIds`: the app-level route's event per matching connection; `unroutable`: kept for operators, no tenant. */
  body: { status: 'accepted' | 'duplicate' | 'unroutable'; eventId: string; eventIds?: string[] };
}

const providerPattern = /^[a-z0-9][a-z0-9-]{0,63}$/;
const connectionPattern = /^[A-Za-z0-9_-]{1,64}$/;
// The JSON around a delivery's body and headers (field names, provider, ids, URL), generously.
const envelopeBytes = 4_096;
// What a batch may fill of the server's max_payload: lengths count characters, and a header's may be multibyte.
const batchShareOfMaxPayload = 0.5;

/** Forwards one delivery to webhook-ingest and maps its reply: 2xx only for a stored (or known duplicate) event. */
@Injectable()
export class WebhookForwarder {
  private readonly batcher: IngestBatcher;

  constructor(
    private readonly nats: NatsClient,
    private readonly config: GatewayConfig,
  ) {
    this.batcher = new IngestBatcher(
      async (deliveries) =>
        (await this.nats.request(webhookIngestBatchContract, { deliveries }, config.GATEWAY_WEBHOOK_TIMEOUT_MS))
          .results,
      () => (this.nats.connection.info?.max_payload ?? 1_048_576) * batchShareOfMaxPayload,
    );
  }

  async forward(delivery: WebhookDelivery): Promise<WebhookAnswer> {
    if (!providerPattern.test(delivery.provider)) throw new HttpApiError(404, 'UNKNOWN_PROVIDER', 'Unknown provider');
    if (delivery.connectionId !== undefined && !connectionPattern.test(delivery.connectionId))
      throw new HttpApiError(404, 'UNKNOWN_CONNECTION', 'Unknown connection');
    let reply;
    try {
      const correlationId = currentCorrelationId();
      const request = parsePayload(
        webhookIngestBatchDelivery,
        {
          provider: delivery.provider,
          ...(delivery.connectionId !== undefined ? { connectionId: delivery.connectionId } : {}),
          headers: delivery.headers,
          rawBody: delivery.rawBody.toString('base64'),
          publicUrl: delivery.publicUrl.slice(0, 2048),
          ...(correlationId !== undefined ? { correlationId } : {}),
        },
        'delivery',
      );
      const bytes = envelopeBytes + request.rawBody.length + JSON.stringify(request.headers).length;
      reply = await this.batcher.submit(request, bytes);
    } catch (error) {
      // Larger than NATS carries (max_payload) though under the gateway's body limit: as final as that limit.
      if (isPayloadTooLarge(error)) throw new HttpApiError(413, 'PAYLOAD_TOO_LARGE', 'The body exceeds the size limit');
      if (error instanceof BusError && error.code === 'INVALID_REQUEST')
        throw new HttpApiError(400, 'BAD_REQUEST', 'Malformed delivery');
      // Not stored (or not known to be): the provider must retry.
      throw new HttpApiError(503, 'UNAVAILABLE', 'The event could not be stored right now; retry later');
    }
    if (reply.result === 'rejected') throw new HttpApiError(httpStatusOf(reply.code), reply.code, reply.message);
    const status = reply.unroutable === true ? 'unroutable' : reply.duplicate ? 'duplicate' : 'accepted';
    return {
      status: 200,
      body: { status, eventId: reply.eventId, ...(reply.eventIds !== undefined ? { eventIds: reply.eventIds } : {}) },
    };
  }
}
