import type { CanonicalRecord } from '../pullers/puller.port.js';

/** Test data: record `R<n>`, version 1, with `data` as given. */
export function canonicalRecord(n: number, data: Record<string, unknown> = {}): CanonicalRecord {
  return { externalId: `R${n}`, sourceVersion: '1', sourceUpdatedAt: null, deleted: false, columns: {}, data };
}
