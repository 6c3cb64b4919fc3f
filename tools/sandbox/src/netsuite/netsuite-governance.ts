/** One account's concurrency governance: requests in flight, the most seen at once, and how many were refused. */
export interface GovernanceState {
  limit: number;
  inFlight: number;
  peak: number;
  refused: number;
  accepted: number;
}

/** Counts concurrent requests per account; past the limit a request is refused, as NetSuite refuses it. */
export class Governance {
  private readonly accounts = new Map<string, GovernanceState>();

  /** Takes a slot; false when the account already has `limit` requests in flight. */
  enter(account: string, limit: number): boolean {
    const s = this.accounts.get(account) ?? { limit, inFlight: 0, peak: 0, refused: 0, accepted: 0 };
    this.accounts.set(account, s);
    s.limit = limit;
    if (s.inFlight >= limit) {
      s.refused += 1;
      return false;
    }
    s.inFlight += 1;
    s.accepted += 1;
    s.peak = Math.max(s.peak, s.inFlight);
    return true;
  }

  leave(account: string): void {
    const s = this.accounts.get(account);
    if (s && s.inFlight > 0) s.inFlight -= 1;
  }

  list(): (GovernanceState & { account: string })[] {
    return [...this.accounts.entries()].map(([account, s]) => ({ account, ...s }));
  }

  /** Zeroes the counters (not the requests in flight), e.g. after a warm-up. */
  reset(): void {
    for (const s of this.accounts.values()) Object.assign(s, { peak: s.inFlight, refused: 0, accepted: 0 });
  }
}
