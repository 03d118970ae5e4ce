// Pure statistics for the benchmark: medians over rounds, percentiles over latency samples, ratios.
// No I/O here, so test/bench/stats.test.ts can check it exactly.

/** Median of the finite values; null when there are none. Even counts average the two middle values. */
export function median(values: readonly (number | null | undefined)[]): number | null {
  const sorted = finite(values).sort((a, b) => a - b);
  if (sorted.length === 0) return null;
  const mid = Math.floor(sorted.length / 2);
  const upper = sorted[mid] as number;
  return sorted.length % 2 === 1 ? upper : ((sorted[mid - 1] as number) + upper) / 2;
}

/**
 * Nearest-rank percentile (p in 0..100) of the finite values; null when there are none.
 * Nearest-rank never invents a value that was not measured, which matters for p99 of small samples.
 */
export function percentile(values: readonly (number | null | undefined)[], p: number): number | null {
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile must be within 0..100, got ${p}`);
  const sorted = finite(values).sort((a, b) => a - b);
  if (sorted.length === 0) return null;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1] as number;
}

/** numerator / denominator, or null when either is missing or the denominator is not positive. */
export function ratio(
  numerator: number | null | undefined,
  denominator: number | null | undefined,
): number | null {
  if (
    numerator == null ||
    denominator == null ||
    !Number.isFinite(numerator) ||
    !Number.isFinite(denominator)
  )
    return null;
  if (denominator <= 0) return null;
  return numerator / denominator;
}

/** a − b, or null when either is missing. */
export function difference(a: number | null | undefined, b: number | null | undefined): number | null {
  if (a == null || b == null || !Number.isFinite(a) || !Number.isFinite(b)) return null;
  return a - b;
}

/** Round to `digits` decimals, keeping null. */
export function round(value: number | null | undefined, digits = 0): number | null {
  if (value == null || !Number.isFinite(value)) return null;
  const f = 10 ** digits;
  return Math.round(value * f) / f + 0; // + 0 turns -0 into 0
}

function finite(values: readonly (number | null | undefined)[]): number[] {
  return values.filter((v): v is number => typeof v === "number" && Number.isFinite(v));
}
