import type { CanonicalRecordView } from '@shelflink/contracts';

/** Who a batch of records belongs to. */
export interface RecordSource {
  tenantId: string;
  connectionId: string;
  provider: string;
}

/** A row an upsert inserted or changed, as committed. */
export interface RecordChange {
  id: string;
  externalId: string;
  sourceVersion: string;
  deleted: boolean;
  record: CanonicalRecordView;
}
