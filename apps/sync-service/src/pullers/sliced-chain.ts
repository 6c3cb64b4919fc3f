import type { ProviderAccount } from '../provider/provider-catalog.service.js';
import { SyncError } from '../provider/provider.errors.js';
import { wholePage, type OpenedPage } from './puller.port.js';
import type { ChainStart, HookContext, StreamHooks } from './puller-plugin.js';

/** Where a sliced chain stands: the slice being read and the catalog paging's cursor inside it. */
interface SlicedCursor {
  readonly slice: string;
  readonly page: string | null;
}

/**
 * One page of a chain the stream's hook cuts into slices (NetSuite's date windows under the 100,000-row cap). The
 * checkpoint keeps the slice beside the paging cursor, so a resumed run re-reads at most the page in flight; when a
 * slice's paging ends, the hook names the next slice, or none and the chain ends.
 */
export async function slicedPage(
  slice: NonNullable<StreamHooks['sliceChain']>,
  context: HookContext,
  start: ChainStart,
  cursor: string | null,
  open: (start: ChainStart, pageCursor: string | null) => Promise<OpenedPage>,
): Promise<OpenedPage> {
  const at = cursor === null ? { slice: await slice(context, start, null), page: null } : parse(cursor, start.account);
  if (at.slice === null) return wholePage([], { nextCursor: null, newestSeen: null });
  const current = at.slice;
  const page = await open({ ...start, slice: current }, at.page);
  return {
    read: async (onBatch) => {
      const end = await page.read(onBatch);
      const next = end.nextCursor !== null ? current : await slice(context, start, current);
      const kept: SlicedCursor | null = next === null ? null : { slice: next, page: end.nextCursor };
      return { newestSeen: end.newestSeen, nextCursor: kept === null ? null : JSON.stringify(kept) };
    },
    cancel: () => page.cancel(),
  };
}

function parse(cursor: string, account: ProviderAccount): SlicedCursor {
  try {
    const value = JSON.parse(cursor) as Partial<SlicedCursor>;
    if (typeof value.slice === 'string' && (typeof value.page === 'string' || value.page === null))
      return { slice: value.slice, page: value.page };
  } catch {
    // a cursor of another shape: the chain starts again
  }
  throw new SyncError('CURSOR_EXPIRED', `${account.provider}: the kept slice cursor cannot be followed`);
}
