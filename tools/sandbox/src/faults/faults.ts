/** Fault kinds the admin API can arm. */
export const FAULT_KINDS = [
  'latency',
  'latencyAfter',
  'status5xx',
  'status5xxAfter',
  'status429',
  'expireCursor',
  'dropConnection',
  'cutBody',
  'revokeTokens',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface FaultSpec {
  readonly provider: string;
  /** Absent: any account of the provider. */
  readonly account?: string;
  readonly kind: FaultKind;
  /** How many matching requests it affects; absent = 1, 0 or negative = until cleared. */
  readonly count?: number;
  readonly ms?: number;
  /** `cutBody`: bytes of the answer sent before the connection is cut (default 1000). */
  readonly bytes?: number;
  readonly status?: number;
  /** Seconds (number) or a raw header value such as an HTTP-date. */
  readonly retryAfter?: number | string;
  /** Only requests to this endpoint name (see the ledger's `endpoint`). */
  readonly endpoint?: string;
}

export interface ArmedFault extends FaultSpec {
  readonly id: number;
  remaining: number;
}

export interface FaultTarget {
  readonly provider: string;
  readonly account: string | null;
  readonly endpoint: string;
  readonly hasCursor: boolean;
}

/** Armed faults, consumed in the order they were added. */
export class FaultBook {
  private faults: ArmedFault[] = [];
  private nextId = 0;

  add(spec: FaultSpec): ArmedFault {
    const count = spec.count ?? 1;
    const armed: ArmedFault = { ...spec, id: ++this.nextId, remaining: count > 0 ? count : Infinity };
    this.faults.push(armed);
    return armed;
  }

  list(): ArmedFault[] {
    return [...this.faults];
  }

  clear(): void {
    this.faults = [];
  }

  /** Takes every fault that matches this request (at most one of each kind), decrementing their counts. */
  take(target: FaultTarget): FaultSpec[] {
    const taken: FaultSpec[] = [];
    const kinds = new Set<FaultKind>();
    for (const fault of this.faults) {
      if (kinds.has(fault.kind) || !matches(fault, target)) continue;
      kinds.add(fault.kind);
      fault.remaining -= 1;
      taken.push(fault);
    }
    this.faults = this.faults.filter((f) => f.remaining > 0);
    return taken;
  }
}

function matches(fault: ArmedFault, target: FaultTarget): boolean {
  if (fault.provider !== target.provider) return false;
  if (fault.account !== undefined && fault.account !== target.account) return false;
  if (fault.endpoint !== undefined && fault.endpoint !== target.endpoint) return false;
  return fault.kind !== 'expireCursor' || target.hasCursor;
}

/** Retry-After header value and the instant it points at. */
export function retryAfterOf(value: number | string | undefined, now: number): { header: string; until: number } {
  if (typeof value === 'string') {
    const date = Date.parse(value);
    if (!Number.isNaN(date) && !/^\d+(\.\d+)?$/.test(value)) return { header: value, until: date };
    const seconds = Number(value);
    return { header: value, until: now + (Number.isFinite(seconds) ? seconds * 1000 : 0) };
  }
  const seconds = value ?? 1;
  return { header: String(seconds), until: now + seconds * 1000 };
}
