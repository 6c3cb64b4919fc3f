import {
  BusError,
  maxDeliveriesPerBatch,
  type WebhookIngestBatchDelivery,
  type WebhookIngestBatchResponse,
  type WebhookIngestResponse,
} from '@shelflink/contracts';
import { TurnBatcher } from '@shelflink/runtime';

type BatchResult = WebhookIngestBatchResponse['results'][number];

interface Submitted {
  delivery: WebhookIngestBatchDelivery;
  bytes: number;
}

const unanswered: BatchResult = {
  error: { code: 'INTERNAL', message: 'webhook-ingest answered fewer deliveries than sent' },
};

/**
 * Sends the deliveries of one event-loop turn to webhook-ingest as one `webhook.ingest.batch.v1` request: one NATS
 * message, route and reply per turn instead of per webhook. A batch stays within `maxBytes()` (of NATS's
 * max_payload) and `maxDeliveriesPerBatch`; a larger delivery goes alone.
 */
export class IngestBatcher {
  private readonly batcher: TurnBatcher<Submitted, BatchResult>;

  constructor(
    send: (deliveries: WebhookIngestBatchDelivery[]) => Promise<readonly BatchResult[]>,
    maxBytes: () => number,
  ) {
    this.batcher = new TurnBatcher(
      async (submitted) => {
        const results = await send(submitted.map((entry) => entry.delivery));
        return submitted.map((_, i) => results[i] ?? unanswered);
      },
      { maxItems: maxDeliveriesPerBatch, weigh: (entry) => entry.bytes, maxWeight: maxBytes },
    );
  }

  /** Resolves with the delivery's own result; rejects with its own error, or with the whole request's failure. */
  async submit(delivery: WebhookIngestBatchDelivery, bytes: number): Promise<WebhookIngestResponse> {
    const result = await this.batcher.submit({ delivery, bytes });
    if ('error' in result) throw new BusError(result.error.code, result.error.message, result.error.reason);
    return result;
  }
}
