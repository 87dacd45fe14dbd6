/**
 * Percentile bootstrap confidence intervals (Efron): recompute a statistic on samples drawn with
 * replacement and take the middle `level` of the results. Used for FID (resampling the generated
 * features against the fixed real reference) and for the manifold metrics (resampling the
 * per-sample outcomes with the manifolds held fixed), so every number comes with its uncertainty.
 */
import { Rng } from '../rng';
import { yieldToEventLoop } from './features';

export interface Interval {
  low: number;
  high: number;
  /** e.g. 0.95 */
  level: number;
  iterations: number;
}

export interface BootstrapOptions {
  iterations?: number;
  level?: number;
  seed?: number;
  signal?: AbortSignal;
}

export async function bootstrapInterval(
  n: number,
  statistic: (indices: Int32Array) => number | Promise<number>,
  options: BootstrapOptions = {},
): Promise<Interval> {
  const iterations = options.iterations ?? 200;
  const level = options.level ?? 0.95;
  const rng = new Rng(options.seed ?? 0xb007);
  const results: number[] = [];
  const indices = new Int32Array(n);
  for (let b = 0; b < iterations; b++) {
    options.signal?.throwIfAborted();
    for (let i = 0; i < n; i++) indices[i] = rng.int(n);
    results.push(await statistic(indices));
    if (b % 8 === 7) await yieldToEventLoop();
  }
  return { ...percentiles(results, level), level, iterations };
}

/** Interval for the mean of per-sample values (cheap: no recomputation beyond a sum). */
export function meanInterval(values: ArrayLike<number>, options: BootstrapOptions = {}): Promise<Interval> {
  return bootstrapInterval(
    values.length,
    (indices) => {
      let s = 0;
      for (let i = 0; i < indices.length; i++) s += values[indices[i]!]!;
      return s / indices.length;
    },
    options,
  );
}

/** Linear-interpolated percentiles of the (1 − level)/2 tails. */
export function percentiles(values: number[], level: number): { low: number; high: number } {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (sorted.length === 0) return { low: Number.NaN, high: Number.NaN };
  const at = (q: number) => {
    const pos = q * (sorted.length - 1);
    const lo = Math.floor(pos);
    const hi = Math.min(sorted.length - 1, lo + 1);
    return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
  };
  const tail = (1 - level) / 2;
  return { low: at(tail), high: at(1 - tail) };
}
