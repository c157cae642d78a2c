export interface Distribution {
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
  /** How many values; a value of Infinity is a delivery that never came. */
  samples: number;
}

/**
 * Exact percentiles (nearest rank) from every value, no histogram buckets. A missing delivery
 * counts as Infinity: dropping it would flatter the tail.
 */
export function distribution(values: readonly number[]): Distribution | null {
  if (values.length === 0) return null;
  const sorted = Float64Array.from(values).sort();
  const at = (p: number) => sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] as number;
  const finite = sorted.filter(Number.isFinite);
  return {
    p50: round(at(50)),
    p95: round(at(95)),
    p99: round(at(99)),
    max: round(sorted[sorted.length - 1] as number),
    mean: round(finite.reduce((a, b) => a + b, 0) / Math.max(1, finite.length)),
    samples: sorted.length,
  };
}

export function round(value: number, digits = 2): number {
  if (!Number.isFinite(value)) return value;
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
