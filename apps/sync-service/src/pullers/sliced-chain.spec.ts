import type { ProviderAccount } from '../provider/provider-catalog.service.js';
import { wholePage, type CanonicalRecord, type OpenedPage, type PageEnd } from './puller.port.js';
import type { ChainStart, HookContext } from './puller-plugin.js';
import { slicedPage } from './sliced-chain.js';

const account = { provider: 'netsuite' } as unknown as ProviderAccount;
const context = { account, send: () => Promise.reject(new Error('not used')) } as HookContext;
const start: ChainStart = { account, partition: 'all', watermark: null, pageSize: 2, slice: null };
const record = (id: string): CanonicalRecord => ({
  externalId: id,
  sourceVersion: '1',
  sourceUpdatedAt: null,
  deleted: false,
  columns: {},
  data: {},
});

// Two windows of three rows, paged two at a time by offset.
const WINDOWS: Record<string, string[]> = { w1: ['a', 'b', 'c'], w2: ['d', 'e', 'f'] };
const nextWindow = (_c: HookContext, _s: ChainStart, after: string | null): Promise<string | null> =>
  Promise.resolve(after === null ? 'w1' : after === 'w1' ? 'w2' : null);
const open = (at: ChainStart, cursor: string | null): Promise<OpenedPage> => {
  const offset = Number(cursor ?? '0');
  const rows = WINDOWS[at.slice ?? ''] ?? [];
  const more = offset + 2 < rows.length;
  return Promise.resolve(
    wholePage(rows.slice(offset, offset + 2).map(record), {
      nextCursor: more ? String(offset + 2) : null,
      newestSeen: null,
    }),
  );
};

async function readChain(from: string | null): Promise<{ ids: string[]; cursors: (string | null)[] }> {
  const ids: string[] = [];
  const cursors: (string | null)[] = [];
  let cursor = from;
  do {
    const page = await slicedPage(nextWindow, context, start, cursor, open);
    const end: PageEnd = await page.read(async (records) => {
      ids.push(...records.map((r) => r.externalId));
    });
    cursor = end.nextCursor;
    cursors.push(cursor);
  } while (cursor !== null);
  return { ids, cursors };
}

describe('slicedPage', () => {
  it('reads every slice through its pages, keeping the slice beside the paging cursor', async () => {
    const { ids, cursors } = await readChain(null);
    expect(ids).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
    expect(cursors).toEqual([
      '{"slice":"w1","page":"2"}',
      '{"slice":"w2","page":null}',
      '{"slice":"w2","page":"2"}',
      null,
    ]);
  });

  it('resumes from a kept cursor with no page read twice; a cursor of another shape restarts the chain', async () => {
    await expect(readChain('{"slice":"w2","page":"2"}')).resolves.toMatchObject({ ids: ['f'] });
    await expect(slicedPage(nextWindow, context, start, 'offset=4', open)).rejects.toMatchObject({
      code: 'CURSOR_EXPIRED',
    });
  });
});
