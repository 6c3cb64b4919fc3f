import type { CallRefusal, CallView, CallsListRequest } from '@shelflink/contracts';
import { randomUUID } from 'node:crypto';
import { listCalls, pruneCalls, type CallLogQuery, type CallLogRow } from './call-log.sql.js';
import { CallLogWriter } from './call-log.writer.js';
import { currentCorrelationId } from './correlation.js';
import { urlTemplate } from './path-template.js';
import { countProviderCall } from './provider-calls.metrics.js';

const BATCH_SIZE = 500;
const PRUNE_BATCH = 5_000;
const DAY_MS = 86_400_000;
const TEMPLATE_CACHE = 1_000;

/** The call log settings a service reads from its environment (`callLogEnv` of `@shelflink/config`). */
export interface CallLogStoreSettings {
  CALL_LOG_ENABLED: boolean;
  CALL_LOG_RETENTION_DAYS: number;
  CALL_LOG_PRUNE_INTERVAL_MS: number;
  CALL_LOG_FLUSH_MS: number;
  CALL_LOG_MAX_BUFFERED: number;
}

/** Who a call was made for; every field is an id or a name, never a secret. */
export interface CallContext {
  tenantId: string | null;
  connectionId: string | null;
  provider: string;
  caller: string;
  correlationId?: string;
}

/** What `record` keeps until the write: the row is made from it then. */
interface RecordedCall {
  context: CallContext;
  outcome: CallOutcome;
  now: number;
  correlationId: string | null;
}

/** How one attempt went. */
export interface CallOutcome {
  method: string;
  /** The full URL called; only its host and path template are kept. */
  url: string;
  /** The provider's status; 0 when no answer came; null when Shelflink refused to send it. */
  status: number | null;
  /** Why it was never sent; absent when it was. */
  refusal?: CallRefusal;
  durationMs: number;
  attempt: number;
  rateLimitWaitMs: number;
  breakerState: string;
}

/**
 * A service's outbound call log: `record` counts a sent attempt in /metrics and buffers its row (unless disabled);
 * rows are written in batches, pruned past the retention, and listed per tenant. Each service keeps its own table.
 */
export class CallLogStore {
  private readonly writer: CallLogWriter<RecordedCall>;
  private readonly templates = new Map<string, { host: string; path: string }>();
  private pruneTimer?: NodeJS.Timeout;

  constructor(
    private readonly query: CallLogQuery,
    private readonly table: string,
    private readonly settings: CallLogStoreSettings,
    private readonly warn: (message: string) => void,
  ) {
    this.writer = new CallLogWriter({
      toRow: (call) => this.toRow(call),
      query,
      table,
      batchSize: BATCH_SIZE,
      maxBuffered: settings.CALL_LOG_MAX_BUFFERED,
      flushIntervalMs: settings.CALL_LOG_FLUSH_MS,
      warn,
    });
  }

  onApplicationBootstrap(): void {
    this.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.stop();
  }

  start(): void {
    if (!this.settings.CALL_LOG_ENABLED) return;
    this.writer.start();
    this.pruneTimer = setInterval(() => void this.pruneOnce(), this.settings.CALL_LOG_PRUNE_INTERVAL_MS);
    this.pruneTimer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.pruneTimer);
    await this.writer.stop();
  }

  record(context: CallContext, outcome: CallOutcome, now = Date.now()): void {
    // The request metric counts what reached a provider; a refused attempt reached none.
    if (outcome.status !== null) countProviderCall(context.provider, outcome.status);
    if (!this.settings.CALL_LOG_ENABLED) return;
    const correlationId = context.correlationId ?? currentCorrelationId() ?? null;
    this.writer.record({ context, outcome, now, correlationId });
  }

  private toRow({ context, outcome, now, correlationId }: RecordedCall): CallLogRow {
    const { host, path } = this.template(outcome.url);
    return {
      id: randomUUID(),
      at: new Date(now - outcome.durationMs),
      tenantId: context.tenantId,
      connectionId: context.connectionId,
      provider: context.provider,
      caller: context.caller,
      correlationId,
      method: outcome.method,
      host,
      path,
      status: outcome.status,
      refusal: outcome.refusal ?? null,
      durationMs: outcome.durationMs,
      attempt: outcome.attempt,
      rateLimitWaitMs: outcome.rateLimitWaitMs,
      breakerState: outcome.breakerState,
    };
  }

  // Pulls call the same few URLs over and over: their templates are kept (a bounded map, emptied when full).
  private template(url: string): { host: string; path: string } {
    let template = this.templates.get(url);
    if (template) return template;
    if (this.templates.size >= TEMPLATE_CACHE) this.templates.clear();
    template = urlTemplate(url);
    this.templates.set(url, template);
    return template;
  }

  /** Writes the buffered rows now (tests and shutdown). */
  flush(): Promise<void> {
    return this.writer.flush();
  }

  list(request: CallsListRequest): Promise<CallView[]> {
    return listCalls(this.query, this.table, request);
  }

  /** Deletes rows past the retention in batches; returns how many went. A failed pass is retried at the next tick. */
  async pruneOnce(now = Date.now()): Promise<number> {
    const cutoff = new Date(now - this.settings.CALL_LOG_RETENTION_DAYS * DAY_MS);
    let total = 0;
    try {
      for (let removed = PRUNE_BATCH; removed === PRUNE_BATCH; total += removed) {
        removed = await pruneCalls(this.query, this.table, cutoff, PRUNE_BATCH);
      }
    } catch (error) {
      this.warn(`call log prune failed: ${(error as Error).message}`);
    }
    return total;
  }
}
