import type { CallLogRow } from './call-log.sql.js';
import { CallLogWriter } from './call-log.writer.js';

const row = (n: number): CallLogRow => ({
  id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
  at: new Date(1_700_000_000_000 + n),
  tenantId: 't1',
  connectionId: 'c1',
  provider: 'square',
  caller: 'sync',
  method: 'GET',
  host: 'example.test',
  path: '/v2/locations',
  status: 200,
  durationMs: 12.4,
  attempt: 1,
  rateLimitWaitMs: 0,
  breakerState: 'closed',
  correlationId: null,
  refusal: null,
});

function writer(options: { maxBuffered?: number; fail?: boolean } = {}) {
  const statements: { sql: string; params: unknown[] }[] = [];
  const warnings: string[] = [];
  const subject = new CallLogWriter<CallLogRow>({
    toRow: (item) => item,
    query: (sql, params) => {
      statements.push({ sql, params });
      return options.fail ? Promise.reject(new Error('database away')) : Promise.resolve([]);
    },
    table: 'sync.provider_calls',
    batchSize: 500,
    maxBuffered: options.maxBuffered ?? 10_000,
    flushIntervalMs: 250,
    warn: (message) => warnings.push(message),
  });
  return { subject, statements, warnings };
}

describe('CallLogWriter', () => {
  it('writes buffered rows as multi-row INSERTs of at most one batch each', async () => {
    const { subject, statements } = writer();
    for (let n = 0; n < 1_200; n += 1) subject.record(row(n));
    await subject.flush();
    expect(statements.map((s) => (s.params[0] as unknown[]).length)).toEqual([500, 500, 200]);
    expect(statements[0]?.sql).toMatch(
      /INSERT INTO sync\.provider_calls \(id, at, .*\)\s+SELECT v\.\* FROM unnest\(\$1::uuid\[\], \$2::timestamptz\[\], .*\$16::text\[\]\)/,
    );
    expect(statements[0]?.params).toHaveLength(16);
    expect(statements[0]?.params.map((column) => (column as unknown[])[0])).toEqual(
      Object.values({ ...row(0), durationMs: 12 }),
    );
  });

  it('drops rows past its bound instead of growing, and survives a failed write', async () => {
    const { subject, statements, warnings } = writer({ maxBuffered: 100, fail: true });
    for (let n = 0; n < 150; n += 1) subject.record(row(n));
    await expect(subject.stop()).resolves.toBeUndefined();
    expect(statements.map((s) => (s.params[0] as unknown[]).length)).toEqual([100]);
    expect(warnings).toEqual(['call log write of 100 rows failed: database away']);
  });
});
