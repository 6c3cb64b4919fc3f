// Medians, percentiles and the one row shape every bench prints (see bench/README.md).

export function median(values) {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export function percentile(values, p) {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

export const round = (value, digits = 2) => (Number.isFinite(value) ? Number(value.toFixed(digits)) : null);

/**
 * One result row. `ratio` is value / floorValue; `met` is true/false when a target applies, null when none does.
 * `target` is a human sentence ("≥ 0.5× floor", "< 5 ms"), `check(value, ratio)` decides it.
 */
export function row({ figure, value, unit, floor = null, floorValue = null, target = null, check }) {
  const ratio = floorValue ? value / floorValue : null;
  const met = check && Number.isFinite(value) ? Boolean(check(value, ratio)) : null;
  return {
    figure,
    value: round(value),
    unit,
    floor,
    floorValue: round(floorValue),
    ratio: round(ratio, 3),
    target,
    met,
  };
}

/** Prints the one final JSON line the runner reads; call it last. */
export function emit(bench, rows, extra = {}) {
  process.stdout.write(`${JSON.stringify({ bench, rows, ...extra })}\n`);
}

/** Settings the runner passes to every bench (env BENCH_QUICK, BENCH_ROUNDS). */
export function benchSettings(env = process.env) {
  const quick = env.BENCH_QUICK === '1';
  const rounds = Number(env.BENCH_ROUNDS) || (quick ? 1 : 5);
  return { quick, rounds };
}
