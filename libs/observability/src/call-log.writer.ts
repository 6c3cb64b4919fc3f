import { Counter } from 'prom-client';
import { insertCallsSql, type CallLogQuery, type CallLogRow } from './call-log.sql.js';
import { metricsRegistry } from './metrics.js';

const dropped = new Counter({
  name: 'shelflink_call_log_dropped_total',
  help: 'Call log rows not stored: the buffer was full, or the batch insert failed',
  labelNames: ['reason'] as const,
  registers: [metricsRegistry],
});

/** Options of {@link CallLogWriter}. */
export interface CallLogWriterOptions<T> {
  query: CallLogQuery;
  /** Makes the row of a recorded item, at write time: whatever it costs stays off the call path. */
  toRow: (item: T) => CallLogRow;
  /** Schema-qualified table made by `callLogTableSql`, e.g. `sync.provider_calls`. */
  table: string;
  /** Rows per INSERT; a full batch is written at once, without waiting for the timer. */
  batchSize: number;
  /** Rows held at most; past it new rows are dropped (and counted), never the call slowed. */
  maxBuffered: number;
  flushIntervalMs: number;
  warn: (message: string) => void;
}

/**
 * Buffers call log items and writes their rows with multi-row INSERTs, by size or every `flushIntervalMs`: `record`
 * only pushes to an array (rows are made at write time), so logging costs the call path nothing it waits for. One write
 * at a time; `stop` writes the rest.
 */
export class CallLogWriter<T> {
  private buffer: T[] = [];
  private writing?: Promise<void>;
  private timer?: NodeJS.Timeout;

  constructor(private readonly options: CallLogWriterOptions<T>) {}

  start(): void {
    this.timer = setInterval(() => void this.flush(), this.options.flushIntervalMs);
    this.timer.unref();
  }

  record(item: T): void {
    if (this.buffer.length >= this.options.maxBuffered) {
      dropped.inc({ reason: 'buffer_full' });
      return;
    }
    this.buffer.push(item);
    if (this.buffer.length >= this.options.batchSize && !this.writing) void this.flush();
  }

  /** Writes everything buffered now (after the write under way, if any). */
  async flush(): Promise<void> {
    while (this.writing) await this.writing;
    if (this.buffer.length === 0) return;
    this.writing = this.drain().finally(() => (this.writing = undefined));
    await this.writing;
  }

  /** Stops the timer and writes what is still buffered. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }

  private async drain(): Promise<void> {
    while (this.buffer.length > 0) {
      const batch = this.buffer.splice(0, this.options.batchSize);
      try {
        const { sql, params } = insertCallsSql(this.options.table, batch.map(this.options.toRow));
        await this.options.query(sql, params);
      } catch (error) {
        // Losing log rows beats holding them unboundedly while Postgres is away; the counter says how many.
        dropped.inc({ reason: 'write_failed' }, batch.length);
        this.options.warn(`call log write of ${batch.length} rows failed: ${(error as Error).message}`);
      }
    }
  }
}
