import {
  BusError,
  maxDeliveriesPerBatch,
  type WebhookIngestBatchDelivery,
  type WebhookIngestBatchResponse,
  type WebhookIngestResponse,
} from '@shelflink/contracts';
import { EndOfTurn } from '@shelflink/runtime';

type BatchResult = WebhookIngestBatchResponse['results'][number];

interface Pending {
  delivery: WebhookIngestBatchDelivery;
  resolve: (response: WebhookIngestResponse) => void;
  reject: (error: unknown) => void;
}

/**
 * Sends the deliveries of one event-loop turn (what the turn's socket reads brought) to webhook-ingest as one
 * `webhook.ingest.batch.v1` request: one NATS message, route and reply per turn instead of per webhook. Nothing waits
 * past the end of its turn. A batch stays within `maxBytes()` (of NATS's max_payload); a larger delivery goes alone.
 */
export class IngestBatcher {
  private pending: Pending[] = [];
  private pendingBytes = 0;
  private readonly flushAtTurnEnd = new EndOfTurn(() => this.flush());

  constructor(
    private readonly send: (deliveries: WebhookIngestBatchDelivery[]) => Promise<readonly BatchResult[]>,
    private readonly maxBytes: () => number,
  ) {}

  /** Resolves with the delivery's own result; rejects with its own error, or with the whole request's failure. */
  submit(delivery: WebhookIngestBatchDelivery, bytes: number): Promise<WebhookIngestResponse> {
    const full = this.pendingBytes + bytes > this.maxBytes() || this.pending.length >= maxDeliveriesPerBatch;
    if (full) this.flush();
    return new Promise((resolve, reject) => {
      this.pending.push({ delivery, resolve, reject });
      this.pendingBytes += bytes;
      this.flushAtTurnEnd.schedule();
    });
  }

  private flush(): void {
    const batch = this.pending;
    if (batch.length === 0) return;
    this.pending = [];
    this.pendingBytes = 0;
    this.send(batch.map((entry) => entry.delivery)).then(
      (results) => batch.forEach((entry, i) => settle(entry, results[i])),
      (error: unknown) => batch.forEach((entry) => entry.reject(error)),
    );
  }
}

function settle(entry: Pending, result: BatchResult | undefined): void {
  if (result === undefined)
    entry.reject(new BusError('INTERNAL', 'webhook-ingest answered fewer deliveries than sent'));
  else if ('error' in result) entry.reject(new BusError(result.error.code, result.error.message, result.error.reason));
  else entry.resolve(result);
}
