import { NewestTimestamp, newerTimestamp } from './puller.port.js';

describe('NewestTimestamp', () => {
  it('keeps the newest instant as the provider wrote it, whatever the order and offsets', () => {
    const newest = new NewestTimestamp();
    for (const value of ['2026-01-01T10:00:00+02:00', undefined, '2026-01-01T09:00:00Z', null, '2026-01-01T08:30:00Z'])
      newest.add(value);
    expect(newest.value).toBe('2026-01-01T09:00:00Z');
  });

  it('is null until a timestamp arrives', () => {
    const newest = new NewestTimestamp();
    newest.add(null);
    newest.add(undefined);
    expect(newest.value).toBeNull();
  });

  it('agrees with newerTimestamp folded over the same values', () => {
    const values = [
      '2026-03-01T00:00:00Z',
      '2026-02-01T00:00:00.123Z',
      '2026-03-01T00:00:00.001Z',
      '2025-12-31T23:59:59Z',
    ];
    const newest = new NewestTimestamp();
    let folded: string | null = null;
    for (const value of values) {
      newest.add(value);
      folded = newerTimestamp(folded, value);
    }
    expect(newest.value).toBe(folded);
    expect(newest.value).toBe('2026-03-01T00:00:00.001Z');
  });
});
