/** One request the sandbox received, as a test oracle. Never holds credentials, only fingerprints. */
export interface LedgerEntry {
  readonly seq: number;
  readonly at: number;
  readonly provider: string;
  readonly account: string | null;
  readonly method: string;
  readonly path: string;
  readonly endpoint: string;
  /** e.g. `bearer`, `client-secret`, `shopify-token`, `oauth1`, `none`. */
  readonly authKind: string;
  /** First characters of sha256(credential), to tell tokens apart without revealing them. */
  readonly authFingerprint: string | null;
  readonly status: number;
  readonly grantType: string | null;
  readonly apiVersion: string | null;
  /** For 429 answers: the instant before which the client was told not to retry. */
  readonly retryAfterUntil: number | null;
  readonly fault: string | null;
  /** Writes: the id (or key) of the resource the request created. */
  readonly created?: string;
  /** Webhook delivery attempts only (endpoint `{provider}.webhook.delivery`): where it went and which try it was. */
  readonly delivery?: DeliveryFacts;
}

/** One outbound webhook attempt, as the ledger records it. */
export interface DeliveryFacts {
  readonly url: string;
  /** 0 for the first attempt. */
  readonly attempt: number;
  readonly eventType: string;
  readonly eventId: string;
  readonly webhookId: string;
  /** The subscription that caused it (Square `wbhk_…`, Shopify numeric id); null for a direct send. */
  readonly subscriptionId: string | null;
  readonly error: string | null;
}

export interface LedgerQuery {
  readonly provider?: string;
  readonly account?: string;
  readonly since?: number;
  readonly endpoint?: string;
}

/** Bounded in-memory ledger of requests; the oldest entries fall off past `capacity`. */
export class Ledger {
  private entries: LedgerEntry[] = [];
  private seq = 0;

  constructor(private readonly capacity = 200_000) {}

  add(entry: Omit<LedgerEntry, 'seq'>): LedgerEntry {
    const full = { ...entry, seq: ++this.seq };
    this.entries.push(full);
    if (this.entries.length > this.capacity) this.entries.splice(0, this.entries.length - this.capacity);
    return full;
  }

  list(query: LedgerQuery = {}): LedgerEntry[] {
    return this.entries.filter(
      (e) =>
        (query.provider === undefined || e.provider === query.provider) &&
        (query.account === undefined || e.account === query.account) &&
        (query.since === undefined || e.at >= query.since) &&
        (query.endpoint === undefined || e.endpoint === query.endpoint),
    );
  }

  clear(): void {
    this.entries = [];
  }
}
