import { scan, type OrderedView, type TimeKey } from './timeline.js';

/** Where a flattened walk resumes: record (t, i) inclusive, skipping `o` of its items. */
export interface ResumePoint extends TimeKey {
  readonly o: number;
}

export interface FlatPageRequest<T> {
  readonly view: OrderedView;
  /** The view's time of a record (its sort key). */
  readonly timeOf: (index: number) => number;
  readonly descending: boolean;
  readonly min?: number;
  readonly max?: number;
  readonly accept?: (index: number) => boolean;
  /** The items one record contributes (a product and its variations, a product's stock rows). */
  readonly expand: (index: number) => T[];
  readonly limit: number;
  readonly resume?: ResumePoint;
}

export interface FlatPage<T> {
  readonly items: T[];
  readonly next?: ResumePoint;
}

/** Pages over records that each expand to several items, resuming mid-record when a page fills up. */
export function pageFlattened<T>(request: FlatPageRequest<T>): FlatPage<T> {
  const items: T[] = [];
  const resume = request.resume;
  // Resume inclusively at the record named by the cursor (half steps keep integer indices exact).
  let after: TimeKey | undefined = resume
    ? { t: resume.t, i: resume.i + (request.descending ? 0.5 : -0.5) }
    : undefined;
  let first = true;
  for (;;) {
    const batch = scan({ ...request, after, limit: 64 });
    for (const index of batch.indices) {
      const expanded = request.expand(index);
      const skip = first && resume?.i === index ? resume.o : 0;
      first = false;
      for (let o = skip; o < expanded.length; o++) {
        if (items.length === request.limit) return { items, next: { t: request.timeOf(index), i: index, o } };
        items.push(expanded[o] as T);
      }
    }
    if (!batch.hasMore || !batch.last) return { items };
    after = batch.last;
  }
}
