// Test helpers for this lib's specs only (not exported from the barrel).
import type { Sleep } from '../token-bucket.port.js';

/** A manual clock whose sleep advances time instantly and records every wait. */
export class FakeClock {
  readonly sleeps: number[] = [];

  constructor(private t = 0) {}

  readonly now = (): number => this.t;

  readonly sleep: Sleep = (ms, signal) => {
    signal?.throwIfAborted();
    this.sleeps.push(ms);
    this.t += ms;
    return Promise.resolve();
  };

  advance(ms: number): void {
    this.t += ms;
  }
}

/** mulberry32: a small seeded uniform [0, 1) generator, so jitter tests are reproducible. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Coefficient of variation (standard deviation / mean) of a sample. */
export function coefficientOfVariation(values: readonly number[]): number {
  const mean = values.reduce((sum, v) => sum + v, 0) / values.length;
  const variance = values.reduce((sum, v) => sum + (v - mean) ** 2, 0) / values.length;
  return Math.sqrt(variance) / mean;
}
