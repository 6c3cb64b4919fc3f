import type { RecordEntity } from '@shelflink/contracts';
import type { ProviderAccount } from '../provider/provider-catalog.service.js';

/** A provider record in canonical form, ready to upsert. */
export interface CanonicalRecord {
  externalId: string;
  /** Integer as a string: the provider's version, or the updated-at in epoch ms where there is none. */
  sourceVersion: string;
  sourceUpdatedAt: string | null;
  deleted: boolean;
  /** The entity's typed columns (snake_case, as in the table). */
  columns: Record<string, string | null>;
  data: Record<string, unknown>;
}

/** Where a partition's chain stands: the page to fetch next, and the committed incremental watermark. */
export interface PageState {
  cursor: string | null;
  watermark: string | null;
}

/** Where a page leaves its chain. */
export interface PageEnd {
  /** Null when this was the chain's last page. */
  nextCursor: string | null;
  /** Newest incremental timestamp in this page (provider format), null when the page was empty. */
  newestSeen: string | null;
}

/** A page whose response has begun: its records are handed over in batches while the body still arrives. */
export interface OpenedPage {
  /** Awaits `onBatch` for each batch (a slow consumer holds the provider back), then says where the chain goes. */
  read(onBatch: (records: CanonicalRecord[]) => Promise<void>): Promise<PageEnd>;
  /** Lets go of a page that will not be read. */
  cancel(): void;
}

/** Pulls one stream of one provider, page by page, in constant memory. */
export interface StreamPuller {
  readonly entity: RecordEntity;
  /** Independent chains (e.g. Square orders per location); each keeps its own checkpoint. */
  partitions(account: ProviderAccount): Promise<string[]>;
  fetchPage(account: ProviderAccount, partition: string, state: PageState): Promise<OpenedPage>;
}

/** A page that was read whole (a small answer, such as locations). */
export function wholePage(records: CanonicalRecord[], end: PageEnd): OpenedPage {
  return {
    read: async (onBatch) => {
      if (records.length > 0) await onBatch(records);
      return end;
    },
    cancel: () => undefined,
  };
}

/** Everything sync-service pulls from one provider. */
export interface ProviderPuller {
  readonly provider: string;
  readonly streams: Readonly<Partial<Record<RecordEntity, StreamPuller>>>;
  /** Follow-up fetch of one order named by a webhook; null when the provider no longer has it. */
  fetchOrder(account: ProviderAccount, externalId: string): Promise<CanonicalRecord | null>;
}

/** The later of two ISO timestamps (either may be null). */
export function newerTimestamp(a: string | null, b: string | null): string | null {
  if (a === null) return b;
  if (b === null) return a;
  return Date.parse(b) > Date.parse(a) ? b : a;
}

/** The newest of a run of ISO timestamps, as the provider wrote it; each is parsed once (a page has a thousand). */
export class NewestTimestamp {
  private newest: string | null = null;
  private newestMs = Number.NaN;

  add(value: string | null | undefined): void {
    if (value === null || value === undefined) return;
    const ms = Date.parse(value);
    if (this.newest === null || ms > this.newestMs) {
      this.newest = value;
      this.newestMs = ms;
    }
  }

  get value(): string | null {
    return this.newest;
  }
}
