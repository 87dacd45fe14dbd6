/**
 * Feature sets: n vectors of `dim` floats, row after row. Every metric works on these, whatever
 * network produced them, so the extractors stay interchangeable.
 */
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../rng';
import { shuffled } from '../dataset/shards';

export interface Features {
  n: number;
  dim: number;
  /** Row-major [n × dim]. */
  data: Float32Array;
}

export function features(data: Float32Array, n: number, dim: number): Features {
  if (data.length !== n * dim) throw new Error(`Feature data has ${data.length} values, not ${n} × ${dim}`);
  return { n, dim, data };
}

/** The rows at `indices`, in that order (repeats allowed). */
export function selectRows(f: Features, indices: ArrayLike<number>): Features {
  const out = new Float32Array(indices.length * f.dim);
  for (let i = 0; i < indices.length; i++) {
    const row = indices[i]!;
    out.set(f.data.subarray(row * f.dim, (row + 1) * f.dim), i * f.dim);
  }
  return { n: indices.length, dim: f.dim, data: out };
}

/** A seeded permutation of 0…n−1 (Fisher–Yates), as signed indices. */
export function permutation(n: number, seed: number): Int32Array {
  return Int32Array.from(shuffled(n, new Rng(seed)));
}

/** `k` distinct indices out of n, seeded. */
export function sampleWithoutReplacement(n: number, k: number, rng: Rng): Int32Array {
  if (k > n) throw new Error(`Cannot draw ${k} of ${n} without replacement`);
  // Partial Fisher–Yates over a lazily materialised permutation: O(k) memory beyond the map.
  const swapped = new Map<number, number>();
  const out = new Int32Array(k);
  for (let i = 0; i < k; i++) {
    const j = i + rng.int(n - i);
    const vj = swapped.get(j) ?? j;
    const vi = swapped.get(i) ?? i;
    out[i] = vj;
    swapped.set(j, vi);
  }
  return out;
}

/** Rows at which blocked pairwise work is cut, so a block of products stays a few MB. */
const BLOCK_ROWS = 512;

/**
 * Calls `visit(rowStart, rows, block)` for consecutive row blocks of the [a.n × b.n] matrix of
 * inner products a·bᵀ, computed with tfjs' matMul (the backend's GEMM: orders of magnitude faster
 * than a JS loop for the sizes metrics need). `block` is row-major [rows × b.n].
 */
export async function forEachGramBlock(
  a: Features,
  b: Features,
  visit: (rowStart: number, rows: number, block: Float32Array) => void | Promise<void>,
): Promise<void> {
  if (a.dim !== b.dim) throw new Error(`Feature sizes differ: ${a.dim} vs ${b.dim}`);
  const bt = tf.tensor2d(b.data, [b.n, b.dim]);
  try {
    for (let start = 0; start < a.n; start += BLOCK_ROWS) {
      const rows = Math.min(BLOCK_ROWS, a.n - start);
      const product = tf.tidy(() => tf.matMul(tf.tensor2d(a.data.subarray(start * a.dim, (start + rows) * a.dim), [rows, a.dim]), bt, false, true));
      const block = (await product.data()) as Float32Array;
      product.dispose();
      await visit(start, rows, block);
    }
  } finally {
    bt.dispose();
  }
}

/**
 * The sets moved by one common offset (their pooled mean, summed in float64) so that they sit around
 * the origin. Distances do not change, but |a|² + |b|² − 2a·b in float32 does: with features far
 * from the origin (mean 1000, std 1) the three terms are ~10⁶ and their float32 rounding swamps
 * distances of ~1 (density 0.274 where the exact value is 0.249). Centred, the terms are as large as
 * the distances themselves.
 */
export function centred(sets: readonly Features[]): Features[] {
  const dim = sets[0]?.dim ?? 0;
  if (sets.some((f) => f.dim !== dim)) throw new Error('Feature sizes differ between the sets');
  const mean = new Float64Array(dim);
  let total = 0;
  for (const f of sets) {
    for (let i = 0; i < f.n * dim; i++) mean[i % dim]! += f.data[i]!;
    total += f.n;
  }
  for (let j = 0; j < dim; j++) mean[j]! /= Math.max(1, total);
  return sets.map((f) => {
    const data = new Float32Array(f.n * dim);
    for (let i = 0; i < data.length; i++) data[i] = f.data[i]! - mean[i % dim]!;
    return { n: f.n, dim, data };
  });
}

/** Squared L2 norm of each row, in float64. */
export function rowNorms(f: Features): Float64Array {
  const out = new Float64Array(f.n);
  for (let i = 0; i < f.n; i++) {
    let s = 0;
    for (let j = i * f.dim, end = j + f.dim; j < end; j++) s += f.data[j]! * f.data[j]!;
    out[i] = s;
  }
  return out;
}

/** Yields to the event loop: long metric loops call it so the engine keeps answering messages. */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
