/** A key in (time, record index) order: unique even when times tie. */
export interface TimeKey {
  readonly t: number;
  readonly i: number;
}

/** Records in ascending (time, index) order, addressed by position. */
export interface OrderedView {
  readonly length: number;
  indexAt(pos: number): number;
  timeAt(pos: number): number;
}

/**
 * Per-record timestamps in a typed array plus a lazily built ascending order, so a million records cost a few
 * megabytes instead of a million objects. Touches only move records forward in time (to "now").
 */
export class Timeline {
  private order: Uint32Array | null = null;
  private maxAt: number;

  constructor(private at: Float64Array) {
    let max = -Infinity;
    for (const t of at) max = Math.max(max, t);
    this.maxAt = at.length === 0 ? 0 : max;
  }

  get size(): number {
    return this.at.length;
  }

  time(index: number): number {
    return this.at[index] ?? 0;
  }

  latest(): number {
    return this.maxAt;
  }

  /** Moves the records to time t, which must not be earlier than the latest time. */
  touch(indices: readonly number[], t: number): void {
    if (t < this.maxAt) throw new RangeError('timeline touches must not go back in time');
    for (const i of indices) this.at[i] = t;
    this.maxAt = t;
    if (this.order) this.order = this.reorderTail(this.order, new Set(indices), t);
  }

  /** Adds a record at time t (not earlier than the latest); its index is the previous size. */
  append(t: number): void {
    if (t < this.maxAt) throw new RangeError('timeline appends must not go back in time');
    const at = new Float64Array(this.at.length + 1);
    at.set(this.at);
    at[this.at.length] = t;
    this.at = at;
    this.maxAt = t;
    if (this.order) {
      const order = new Uint32Array(at.length);
      order.set(this.order);
      order[at.length - 1] = at.length - 1;
      this.order = order;
    }
  }

  /** The view in ascending (time, index) order. */
  view(): OrderedView {
    const order = this.sorted();
    return { length: order.length, indexAt: (pos) => order[pos] ?? 0, timeAt: (pos) => this.at[order[pos] ?? 0] ?? 0 };
  }

  private sorted(): Uint32Array {
    if (!this.order) {
      const order = new Uint32Array(this.at.length);
      for (let i = 0; i < order.length; i++) order[i] = i;
      const at = this.at;
      order.sort((a, b) => (at[a] ?? 0) - (at[b] ?? 0) || a - b);
      this.order = order;
    }
    return this.order;
  }

  // Touched records now share the newest time: drop them and re-sort only the tail of equal times.
  private reorderTail(order: Uint32Array, touched: Set<number>, t: number): Uint32Array {
    const kept: number[] = [];
    const tail: number[] = [...touched];
    for (const index of order) {
      if (touched.has(index)) continue;
      if ((this.at[index] ?? 0) === t) tail.push(index);
      else kept.push(index);
    }
    tail.sort((a, b) => a - b);
    const next = new Uint32Array(order.length);
    next.set(kept, 0);
    next.set(tail, kept.length);
    return next;
  }
}

/** The identity view: records whose time never decreases with their index (creation order). */
export function indexOrderView(length: number, timeOf: (index: number) => number): OrderedView {
  return { length, indexAt: (pos) => pos, timeAt: (pos) => timeOf(pos) };
}

export interface ScanRequest {
  readonly view: OrderedView;
  readonly descending: boolean;
  /** Exclusive position in scan direction (the last key of the previous page). */
  readonly after?: TimeKey;
  /** Inclusive bounds on the view's time. */
  readonly min?: number;
  readonly max?: number;
  readonly accept?: (index: number) => boolean;
  readonly limit: number;
}

export interface ScanResult {
  readonly indices: number[];
  readonly hasMore: boolean;
  readonly last?: TimeKey;
}

// First position whose key is strictly greater than (t, i) (or >= t when i is -Infinity).
function upperBound(view: OrderedView, t: number, i: number): number {
  let lo = 0;
  let hi = view.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const mt = view.timeAt(mid);
    if (mt < t || (mt === t && view.indexAt(mid) <= i)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Walks a view in either direction between time bounds, after a key, keeping accepted records. */
export function scan(request: ScanRequest): ScanResult {
  const { view, after, accept } = request;
  let start = request.min === undefined ? 0 : upperBound(view, request.min, -Infinity);
  let end = request.max === undefined ? view.length : upperBound(view, request.max, Infinity);
  if (after && !request.descending) start = Math.max(start, upperBound(view, after.t, after.i));
  if (after && request.descending) end = Math.min(end, upperBound(view, after.t, after.i - 0.5));
  const indices: number[] = [];
  const step = request.descending ? -1 : 1;
  let pos = request.descending ? end - 1 : start;
  let last: TimeKey | undefined;
  while (pos >= start && pos < end) {
    const index = view.indexAt(pos);
    if (!accept || accept(index)) {
      if (indices.length === request.limit) return { indices, hasMore: true, last };
      indices.push(index);
      last = { t: view.timeAt(pos), i: index };
    }
    pos += step;
  }
  return { indices, hasMore: false, last };
}
