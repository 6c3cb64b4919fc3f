/**
 * Coalesces concurrent calls per key within one process: while a call for a key is in flight, further
 * `run`s for that key share its promise (and its error); once it settles the key is free again, so the
 * next `run` starts a new call. Across replicas use a lease instead (see RELIABILITY.md finding 6).
 */
export class SingleFlight<K, V> {
  private readonly inFlight = new Map<K, Promise<V>>();

  /** Runs `fn` for `key` unless a call for `key` is already in flight, in which case its result is shared. */
  run(key: K, fn: () => Promise<V>): Promise<V> {
    const existing = this.inFlight.get(key);
    if (existing) return existing;
    // Calling through a resolved promise turns a synchronous throw into a rejection shared like any other.
    const call = Promise.resolve().then(fn);
    this.inFlight.set(key, call);
    const release = (): void => {
      if (this.inFlight.get(key) === call) this.inFlight.delete(key);
    };
    call.then(release, release);
    return call;
  }

  /** True while a call for `key` is in flight. */
  has(key: K): boolean {
    return this.inFlight.has(key);
  }

  /** Number of keys with a call in flight. */
  get size(): number {
    return this.inFlight.size;
  }
}
