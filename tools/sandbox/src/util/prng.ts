/** Small deterministic PRNG and hashing helpers (no dependency), so the same seed yields the same data. */

/** mulberry32: a fast 32-bit PRNG; returns floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Stateless hash of a list of integers to a uint32 (murmur3-style finaliser per step). */
export function hash32(...parts: readonly number[]): number {
  let h = 0x811c9dc5;
  for (const part of parts) {
    h = Math.imul(h ^ (part >>> 0), 0x5bd1e995);
    h ^= h >>> 15;
    // Fold the high bits of numbers above 2^32 too, so large seeds still spread.
    h = Math.imul(h ^ Math.floor(part / 4294967296), 0x27d4eb2d);
    h ^= h >>> 13;
  }
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** A float in [0, 1) derived from the parts. */
export function unit(...parts: readonly number[]): number {
  return hash32(...parts) / 4294967296;
}

/** An integer in [min, max] derived from the parts. */
export function intBetween(min: number, max: number, ...parts: readonly number[]): number {
  return min + (hash32(...parts) % (max - min + 1));
}

/** FNV-1a of a string, for turning names (account ids, entity names) into hash parts. */
export function stringHash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  }
  return h >>> 0;
}

/** Picks an element of a non-empty list by hash. */
export function pick<T>(items: readonly [T, ...T[]], ...parts: readonly number[]): T {
  return items[hash32(...parts) % items.length] ?? items[0];
}

/** Fixed-arity hash of four integers to a uint32, for hot loops (a million records at start-up). */
export function hash4(a: number, b: number, c: number, d: number): number {
  let h = Math.imul(0x811c9dc5 ^ (a >>> 0), 0x5bd1e995);
  h = Math.imul(h ^ (h >>> 15) ^ (b >>> 0), 0x27d4eb2d);
  h = Math.imul(h ^ (h >>> 13) ^ (c >>> 0), 0x5bd1e995);
  h = Math.imul(h ^ (h >>> 15) ^ (d >>> 0) ^ Math.floor(d / 4294967296), 0x27d4eb2d);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}
