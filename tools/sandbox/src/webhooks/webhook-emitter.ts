import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { DeliveryFacts } from '../ledger/ledger.js';
import { renderBody, shouldRetry, signAttempt, type WebhookMessage, type WebhookProvider } from './webhook-signers.js';

export interface RetryPolicy {
  /** Retries after the first attempt. */
  readonly max: number;
  readonly timeoutMs: number;
  /** Delay before retry n (last value repeats); default is the provider's schedule times `backoffScale`. */
  readonly backoffMs?: readonly number[];
}

export interface SendRequest {
  readonly provider: WebhookProvider;
  readonly targetUrl: string;
  readonly type: string;
  readonly secret: string;
  readonly payload?: unknown;
  readonly objectId?: string;
  /** Square `data.type` (default: the event type's first part). */
  readonly dataType?: string;
  readonly notificationUrl?: string;
  readonly account?: string;
  readonly eventId?: string;
  readonly apiVersion?: string;
  readonly retries?: Partial<RetryPolicy>;
  /** The subscription this delivery serves (recorded in the ledger); absent for a direct send. */
  readonly subscriptionId?: string;
}

/** Told about every attempt once its outcome is known (the sandbox writes it to the ledger). */
export type AttemptListener = (
  provider: WebhookProvider,
  account: string,
  at: number,
  status: number | null,
  facts: DeliveryFacts,
) => void;

export interface DeliveryAttempt {
  readonly number: number;
  readonly at: number;
  readonly status: number | null;
  readonly error: string | null;
  readonly headers: Record<string, string>;
}

export interface Delivery {
  readonly id: string;
  readonly provider: WebhookProvider;
  readonly targetUrl: string;
  readonly eventId: string;
  readonly webhookId: string;
  readonly body: string;
  state: 'pending' | 'delivered' | 'failed';
  readonly attempts: DeliveryAttempt[];
}

const MINUTE = 60_000;
// Published or observed schedules (Shopify: 8 retries over ~4 h; Standard Webhooks' example schedule).
const DEFAULTS: Record<WebhookProvider, RetryPolicy> = {
  shopify: { max: 8, timeoutMs: 5000, backoffMs: [1, 2, 4, 8, 16, 32, 60, 117].map((m) => m * MINUTE) },
  square: { max: 10, timeoutMs: 10_000, backoffMs: [1, 2, 4, 8, 16, 32, 64, 128, 256, 512].map((m) => m * MINUTE) },
  'standard-webhooks': {
    max: 9,
    timeoutMs: 15_000,
    backoffMs: [5 / 60, 5, 30, 120, 300, 600, 840, 1200, 1440].map((m) => m * MINUTE),
  },
  jira: { max: 5, timeoutMs: 20_000, backoffMs: [1, 5, 10, 20, 30].map((m) => m * MINUTE) },
};

/** Signs and delivers webhooks like the providers do, retrying on failure; deliveries are kept for inspection. */
export class WebhookEmitter {
  private readonly deliveries = new Map<string, Delivery>();
  private readonly abort = new AbortController();
  private readonly running = new Set<Promise<void>>();

  constructor(
    private readonly now: () => number,
    private readonly backoffScale = 1,
    private readonly onAttempt: AttemptListener = () => undefined,
  ) {}

  /** Starts a delivery; `done` settles when it succeeded or gave up. */
  send(request: SendRequest): { delivery: Delivery; done: Promise<Delivery> } {
    const eventId = request.eventId ?? randomUUID();
    const message: WebhookMessage = {
      provider: request.provider,
      type: request.type,
      body: renderBody({ ...request, now: this.now() }, eventId),
      secret: request.secret,
      notificationUrl: request.notificationUrl ?? request.targetUrl,
      account: request.account ?? 'sandbox-shop.myshopify.com',
      eventId,
      webhookId: request.provider === 'standard-webhooks' ? `msg_${randomUUID().replaceAll('-', '')}` : randomUUID(),
      apiVersion: request.apiVersion ?? '2026-07',
      triggeredAt: this.now(),
    };
    const delivery: Delivery = {
      id: `dlv_${randomUUID()}`,
      provider: request.provider,
      targetUrl: request.targetUrl,
      eventId,
      webhookId: message.webhookId,
      body: message.body,
      state: 'pending',
      attempts: [],
    };
    this.deliveries.set(delivery.id, delivery);
    const defaults = DEFAULTS[request.provider];
    const policy: RetryPolicy = {
      max: request.retries?.max ?? defaults.max,
      timeoutMs: request.retries?.timeoutMs ?? defaults.timeoutMs,
      backoffMs: request.retries?.backoffMs ?? (defaults.backoffMs ?? []).map((ms) => ms * this.backoffScale),
    };
    const run = this.run(delivery, message, policy, request.subscriptionId ?? null).catch(() => undefined);
    this.running.add(run);
    void run.finally(() => this.running.delete(run));
    return { delivery, done: run.then(() => delivery) };
  }

  /** How many deliveries have been started so far. */
  get started(): number {
    return this.deliveries.size;
  }

  get(id: string): Delivery | undefined {
    return this.deliveries.get(id);
  }

  /** Stops pending retries. */
  async close(): Promise<void> {
    this.abort.abort();
    await Promise.allSettled([...this.running]);
  }

  private async run(
    delivery: Delivery,
    message: WebhookMessage,
    policy: RetryPolicy,
    subscriptionId: string | null,
  ): Promise<void> {
    const firstAttemptAt = this.now();
    let retryReason: string | null = null;
    for (let n = 0; n <= policy.max; n++) {
      if (n > 0) await sleep(this.delay(policy, n), undefined, { signal: this.abort.signal });
      const now = this.now();
      const headers = signAttempt(message, { retryNumber: n, firstAttemptAt, now, retryReason });
      const outcome = await this.attempt(delivery.targetUrl, headers, message.body, policy.timeoutMs);
      delivery.attempts.push({ number: n, at: now, headers, ...outcome });
      this.onAttempt(message.provider, message.account, now, outcome.status, {
        url: delivery.targetUrl,
        attempt: n,
        eventType: message.type,
        eventId: message.eventId,
        webhookId: message.webhookId,
        subscriptionId,
        error: outcome.error,
      });
      if (!shouldRetry(message.provider, outcome.status)) {
        delivery.state = outcome.status !== null && outcome.status < 300 ? 'delivered' : 'failed';
        return;
      }
      retryReason = outcome.status === null ? 'timeout_or_connection_error' : `http_${outcome.status}`;
    }
    delivery.state = 'failed';
  }

  private delay(policy: RetryPolicy, retry: number): number {
    const schedule = policy.backoffMs ?? [];
    return schedule[Math.min(retry - 1, schedule.length - 1)] ?? 1000;
  }

  private async attempt(
    url: string,
    headers: Record<string, string>,
    body: string,
    timeoutMs: number,
  ): Promise<{ status: number | null; error: string | null }> {
    try {
      const signal = AbortSignal.any([AbortSignal.timeout(timeoutMs), this.abort.signal]);
      const response = await fetch(url, { method: 'POST', headers, body, redirect: 'manual', signal });
      await response.arrayBuffer().catch(() => undefined);
      return { status: response.status, error: null };
    } catch (error: unknown) {
      const name = error instanceof Error ? error.name : 'Error';
      return { status: null, error: name === 'TimeoutError' ? 'timeout' : 'connection_failed' };
    }
  }
}
