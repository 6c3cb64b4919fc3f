import { SyncError } from '../provider/provider.errors.js';
import type { ChainStart, HookContext, StreamRequest } from './puller-plugin.js';
import { withParam } from './stream-request.js';
import {
  boundQuery,
  decodeSlice,
  encodeSlice,
  midpoint,
  sliceUnit,
  sliceValue,
  type SuiteQlStream,
  type Window,
} from './suiteql.query.js';

type Json = Record<string, unknown>;

/** What a one-row probe says: the newest (or oldest) slice value in a window, and how many rows the window has. */
interface Probe {
  readonly value: string | undefined;
  readonly total: number;
}

/**
 * Cuts a SuiteQL chain into windows NetSuite serves whole (at most `maxRows` rows, its cap is 100,000), sized with
 * one-row probes as Airbyte's NetSuite source does. A slice is `{window, newestAtStart}` as JSON: the checkpoint keeps
 * it beside the offset, so a resumed chain re-reads at most one page.
 */
export class SuiteQlWindows {
  constructor(
    private readonly stream: SuiteQlStream,
    /** The catalog's request for the stream (path, `Prefer: transient`): probes go the same way with limit 1. */
    private readonly request: StreamRequest,
    private readonly maxRows: number,
    private readonly incremental: boolean,
  ) {}

  /** The chain's first window (null when nothing changed since the watermark), or the window after `after`. */
  async next(context: HookContext, start: ChainStart, after: string | null): Promise<string | null> {
    if (after === null) {
      const from = this.incremental && start.watermark ? sliceValue(this.stream, start.watermark) : null;
      const probe = await this.probe(context, { from, to: null }, true);
      if (probe.total === 0 || probe.value === undefined) return null;
      return this.fit(context, from, probe, probe.value);
    }
    const done = decodeSlice(after);
    // An open window holds every row from its start: the chain is done.
    if (done.window.to === null) return null;
    const probe = await this.probe(context, { from: done.window.to, to: null }, true);
    if (probe.value === undefined) return null;
    return this.fit(context, done.window.to, probe, done.newestAtStart);
  }

  // Open-ended when it fits (rows only join an open window: offset paging skips none); else halved until it does.
  private async fit(context: HookContext, start: number | null, newest: Probe, newestAtStart: string): Promise<string> {
    const slice = (window: Window): string => encodeSlice({ window, newestAtStart });
    if (newest.total <= this.maxRows) return slice({ from: start, to: null });
    const from = start ?? (await this.oldest(context));
    let to = sliceValue(this.stream, newest.value ?? '') + sliceUnit(this.stream);
    for (;;) {
      const middle = midpoint(this.stream, from, to);
      if (middle <= from)
        throw new SyncError(
          'WINDOW_TOO_LARGE',
          `more than ${this.maxRows} NetSuite ${this.stream.table} rows share one ${this.stream.slice.column} value`,
        );
      to = middle;
      const count = await this.probe(context, { from, to }, true);
      if (count.total <= this.maxRows) return slice({ from, to });
    }
  }

  private async oldest(context: HookContext): Promise<number> {
    const probe = await this.probe(context, { from: null, to: null }, false);
    if (probe.value === undefined) throw new SyncError('MALFORMED_RESPONSE', 'NetSuite answered no oldest row');
    return sliceValue(this.stream, probe.value);
  }

  private async probe(context: HookContext, window: Window, newest: boolean): Promise<Probe> {
    const one = withParam(withParam(this.request, 'query', 'limit', 1), 'query', 'offset', 0);
    const answer = await context.send({ ...one, body: { ...one.body, q: boundQuery(this.stream, window, newest) } });
    const { items, totalResults } = (answer ?? {}) as Json;
    if (!Array.isArray(items))
      throw new SyncError('MALFORMED_RESPONSE', 'NetSuite answered with a body that is not a SuiteQL result');
    const first: unknown = items[0];
    const value = typeof first === 'object' && first !== null ? (first as Json).v : undefined;
    return { value: typeof value === 'string' ? value : undefined, total: Number(totalResults ?? 0) };
  }
}
