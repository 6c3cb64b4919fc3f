import {
  decodeCallsCursor as decodeCursor,
  encodeCallsCursor as encodeCursor,
  subjects,
  type CallsListRequest,
  type CallView,
} from '@shelflink/contracts';
import type { NatsClient } from '@shelflink/messaging';
import { CallsService } from './calls.service.js';

const call = (second: number, id: string): CallView => ({
  id: `00000000-0000-4000-8000-${id.padStart(12, '0')}`,
  at: new Date(Date.UTC(2026, 0, 1, 0, 0, second)).toISOString(),
  connectionId: 'c1',
  provider: 'square',
  caller: 'sync',
  method: 'GET',
  path: '/v2/locations',
  status: 200,
  durationMs: 10,
  attempt: 1,
  rateLimitWaitMs: 0,
});

/** Two services' tables, each answering a `calls.list` request as its SQL does (newest first, before, limit). */
function service(tables: Record<string, CallView[]>): CallsService {
  const nats = {
    request: (contract: { subject: string }, request: CallsListRequest) => {
      const rows = (tables[contract.subject] ?? [])
        .filter(
          (row) =>
            !request.before ||
            row.at < request.before.at ||
            (row.at === request.before.at && row.id < request.before.id),
        )
        .sort((a, b) => (a.at === b.at ? b.id.localeCompare(a.id) : b.at.localeCompare(a.at)));
      return Promise.resolve({ calls: rows.slice(0, request.limit) });
    },
  } as unknown as NatsClient;
  return new CallsService(nats);
}

describe('CallsService', () => {
  it('merges both services newest first and pages through every row exactly once', async () => {
    const auth = [call(1, 'a1'), call(4, 'a4'), call(4, 'a5'), call(9, 'a9')];
    const sync = [call(2, 'b2'), call(3, 'b3'), call(4, 'b4'), call(5, 'b5'), call(8, 'b8')];
    const calls = service({ [subjects.authCallsList]: auth, [subjects.syncCallsList]: sync });
    const seen: string[] = [];
    let before: CallsListRequest['before'];
    for (let page = 0; page < 10; page += 1) {
      const result = await calls.list({ tenantId: 't', limit: 3, before });
      seen.push(...result.calls.map((row) => row.id.slice(-2)));
      if (result.next === null) break;
      before = decodeCursor(result.next);
    }
    expect(seen).toEqual(['a9', 'b8', 'b5', 'b4', 'a5', 'a4', 'b3', 'b2', 'a1']);
  });

  it('says there is no next page when both services had less than a page', async () => {
    const calls = service({ [subjects.authCallsList]: [call(1, 'a1')], [subjects.syncCallsList]: [call(2, 'b2')] });
    await expect(calls.list({ tenantId: 't', limit: 5 })).resolves.toMatchObject({ next: null });
  });

  it('round-trips a cursor and refuses text that is not one', () => {
    const cursor = { at: '2026-01-01T00:00:00.000Z', id: '00000000-0000-4000-8000-000000000001' };
    expect(decodeCursor(encodeCursor(cursor))).toEqual(cursor);
    expect(decodeCursor('bm90IGEgY3Vyc29y')).toBeUndefined();
  });
});
