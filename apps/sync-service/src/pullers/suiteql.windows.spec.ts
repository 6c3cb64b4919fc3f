import { PROVIDER_CATALOG } from '@shelflink/providers';
import type { ProviderAccount } from '../provider/provider-catalog.service.js';
import { netsuitePlugin } from './netsuite.puller.js';
import { plytixPlugin } from './plytix.puller.js';
import type { ChainStart, HookContext, StreamHooks, StreamRequest } from './puller-plugin.js';
import type { OpenedPage } from './puller.port.js';
import { slicedPage } from './sliced-chain.js';
import { chainRequest } from './stream-request.js';
import { decodeSlice } from './suiteql.query.js';

type Json = Record<string, unknown>;
const account = { provider: 'netsuite', connection: { metadata: {} } } as unknown as ProviderAccount;
const start = (watermark: string | null, slice: string | null = null): ChainStart => ({
  account,
  partition: 'all',
  watermark,
  pageSize: 100,
  slice,
});
const second = (n: number): string => new Date(Date.UTC(2026, 0, 1, 0, 0, n)).toISOString().replace('.000', '');

/** A fake SuiteQL answering the probes over rows with the given `lastmodifieddate` seconds; it records each query. */
function suiteQl(seconds: number[]): { context: HookContext; queries: string[] } {
  const queries: string[] = [];
  const at = (literal: string | undefined): number | undefined =>
    literal === undefined ? undefined : Date.parse(`${literal.replace(' ', 'T')}Z`);
  const send = (request: StreamRequest): Promise<unknown> => {
    const q = String(request.body?.q);
    queries.push(q);
    const from = at(/>= TO_DATE\('([^']+)'/.exec(q)?.[1]);
    const to = at(/< TO_DATE\('([^']+)'/.exec(q)?.[1]);
    const rows = seconds
      .map((s) => Date.parse(second(s)))
      .filter((ms) => (from === undefined || ms >= from) && (to === undefined || ms < to))
      .sort((a, b) => (q.endsWith('DESC') ? b - a : a - b));
    const first = rows[0];
    const items = first === undefined ? [] : [{ v: new Date(first).toISOString().replace('.000', '') }];
    return Promise.resolve({ items, totalResults: rows.length, hasMore: rows.length > 1 });
  };
  return { context: { account, send }, queries };
}

const productHooks = (maxRows: number): StreamHooks =>
  netsuitePlugin(PROVIDER_CATALOG.netsuite, maxRows).hooks?.products ?? {};

async function windowsOf(hooks: StreamHooks, context: HookContext, watermark: string | null): Promise<unknown[]> {
  const windows: unknown[] = [];
  let slice = await hooks.sliceChain?.(context, start(watermark), null);
  while (slice) {
    windows.push(decodeSlice(slice).window);
    slice = await hooks.sliceChain?.(context, start(watermark), slice);
  }
  return windows;
}

describe('NetSuite SuiteQL windows (sliceChain hook)', () => {
  it('reads a chain that fits the row cap as one open window after one probe', async () => {
    const { context, queries } = suiteQl([1, 2, 3]);
    await expect(windowsOf(productHooks(10), context, null)).resolves.toEqual([{ from: null, to: null }]);
    expect(queries).toHaveLength(1);
  });

  it('cuts a chain over the cap into windows that each fit, ending with an open one', async () => {
    const seconds = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
    const { context } = suiteQl(seconds);
    const windows = (await windowsOf(productHooks(4), context, null)) as { from: number | null; to: number | null }[];
    expect(windows.length).toBeGreaterThan(2);
    expect(windows.at(-1)?.to).toBeNull();
    for (const [i, w] of windows.entries()) {
      const inside = seconds.filter((s) => {
        const ms = Date.parse(second(s));
        return (w.from === null || ms >= w.from) && (w.to === null || ms < w.to);
      });
      expect(inside.length).toBeLessThanOrEqual(4);
      if (i > 0) expect(w.from).toBe(windows[i - 1]?.to);
    }
  });

  it('starts at the watermark, and has no window when nothing changed since', async () => {
    const { context, queries } = suiteQl([1, 2, 3]);
    await expect(windowsOf(productHooks(10), context, second(4))).resolves.toEqual([]);
    expect(queries[0]).toContain(`lastmodifieddate >= TO_DATE('2026-01-01 00:00:04'`);
  });

  it('refuses with WINDOW_TOO_LARGE when more rows than the cap share one second', async () => {
    const { context } = suiteQl([5, 5, 5, 5, 5]);
    await expect(windowsOf(productHooks(3), context, null)).rejects.toMatchObject({ code: 'WINDOW_TOO_LARGE' });
  });

  it("writes the window into the catalog's query and caps the watermark at the chain's newest row", () => {
    const hooks = productHooks(10);
    const slice = JSON.stringify({ window: { from: 0, to: 1000 }, newestAtStart: second(5) });
    const request = hooks.firstRequest?.(chainRequest(PROVIDER_CATALOG.netsuite.streams.products!, start(null)), {
      ...start(null),
      slice,
    });
    expect(request?.path).toBe('/query/v1/suiteql?limit=100');
    expect(request?.headers).toEqual({ Prefer: 'transient' });
    expect(String(request?.body?.q)).toMatch(/FROM item WHERE lastmodifieddate >= .* < .* ORDER BY id$/);
    const newest = hooks.watermarkOf?.({ ...start(null), slice });
    expect(newest?.({ lastmodified: second(3) })).toBe(second(3));
    expect(newest?.({ lastmodified: second(9) })).toBe(second(5));
  });

  it('refuses a checkpoint written by the old NetSuite puller: the chain restarts from its watermark', async () => {
    const old = '{"window":{"from":null,"to":null},"offset":200,"sized":true,"newestAtStart":"2026-01-01T00:00:00Z"}';
    const { context, queries } = suiteQl([1]);
    const slice = productHooks(10).sliceChain;
    if (!slice) throw new Error('NetSuite products have no sliceChain hook');
    const open = (): Promise<OpenedPage> => Promise.reject(new Error('no page is opened'));
    await expect(slicedPage(slice, context, start(null), old, open)).rejects.toMatchObject({ code: 'CURSOR_EXPIRED' });
    expect(queries).toEqual([]);
  });
});

describe('Plytix newest-modified probe (sliceChain hook)', () => {
  const hooks = plytixPlugin(PROVIDER_CATALOG.plytix).hooks?.products ?? {};

  it('probes the newest product since the watermark and makes it the chain’s only slice', async () => {
    const sent: StreamRequest[] = [];
    const context: HookContext = {
      account,
      send: (request) => {
        sent.push(request);
        return Promise.resolve({ data: [{ modified: '2026-01-01T00:00:09Z' }] } as Json);
      },
    };
    const slice = await hooks.sliceChain?.(context, start('2026-01-01T00:00:00Z'), null);
    expect(slice).toBe('2026-01-01T00:00:09Z');
    const probe = new URL(`http://x${sent[0]?.path ?? ''}`).searchParams;
    expect(Object.fromEntries(probe)).toMatchObject({
      _page_size: '1',
      _sort_by: '-modified',
      _fields: 'modified',
      'modified[gte]': '2026-01-01T00:00:00Z',
    });
    await expect(hooks.sliceChain?.(context, start(null), slice ?? null)).resolves.toBeNull();
    const none: HookContext = { account, send: () => Promise.resolve({ data: [] }) };
    await expect(hooks.sliceChain?.(none, start(null), null)).resolves.toBeNull();
    expect(hooks.watermarkOf?.(start(null, slice ?? null))({ modified: '2026-01-02T00:00:00Z' })).toBe(slice);
  });
});
