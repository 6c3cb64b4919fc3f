import { advance } from './sync-run.executor.js';

const page = (nextCursor: string | null, newestSeen: string | null) => ({ nextCursor, newestSeen });

describe('advance (checkpoint after a page)', () => {
  it('keeps the committed watermark mid-chain and tracks the newest timestamp seen', () => {
    const start = { watermark: '2026-01-01T00:00:00Z', cursor: null, chainWatermark: null };
    const mid = advance(start, page('c1', '2026-01-03T00:00:00Z'));
    expect(mid).toEqual({ watermark: '2026-01-01T00:00:00Z', cursor: 'c1', chainWatermark: '2026-01-03T00:00:00Z' });
    const mid2 = advance(mid, page('c2', '2026-01-02T00:00:00Z'));
    expect(mid2.chainWatermark).toBe('2026-01-03T00:00:00Z');
  });

  it('moves the watermark to the newest seen when the chain ends, and never backwards', () => {
    const mid = { watermark: '2026-01-01T00:00:00Z', cursor: 'c1', chainWatermark: '2026-01-05T00:00:00Z' };
    expect(advance(mid, page(null, '2026-01-04T00:00:00Z'))).toEqual({
      watermark: '2026-01-05T00:00:00Z',
      cursor: null,
      chainWatermark: null,
    });
    const empty = { watermark: '2026-01-09T00:00:00-05:00', cursor: null, chainWatermark: null };
    expect(advance(empty, page(null, null)).watermark).toBe('2026-01-09T00:00:00-05:00');
  });

  it('compares instants, not strings, across UTC offsets', () => {
    const start = { watermark: '2026-01-01T10:00:00-05:00', cursor: null, chainWatermark: null };
    expect(advance(start, page(null, '2026-01-01T14:00:00Z')).watermark).toBe('2026-01-01T10:00:00-05:00');
  });
});
