/**
 * Kernel Inception Distance (Bińkowski et al. 2018): the unbiased estimate of the squared maximum
 * mean discrepancy between two feature sets under the cubic polynomial kernel
 * k(x, y) = (xᵀy / d + 1)³, averaged over random subsets, reported as mean ± standard deviation.
 * Unlike FID it has no bias that depends on the sample count, which is why it is the default for
 * small datasets and cheap in-training checks.
 */
import { Rng } from '../rng';
import { forEachGramBlock, sampleWithoutReplacement, selectRows, yieldToEventLoop, type Features } from './features';

export interface KidOptions {
  /** Random subset pairs to average over (torch-fidelity and the paper use 100). */
  subsets?: number;
  /** Samples per subset (default min(1000, both set sizes)). */
  subsetSize?: number;
  seed?: number;
  signal?: AbortSignal;
  /** 'per-subset' always forms each subset pair's cross kernel (the direct way; tests compare the two). */
  strategy?: 'auto' | 'per-subset';
}

export interface KidResult {
  mean: number;
  std: number;
  subsets: number;
  subsetSize: number;
  /** Each subset's estimate, for intervals and tests. */
  values: number[];
}

export async function kernelInceptionDistance(x: Features, y: Features, options: KidOptions = {}): Promise<KidResult> {
  if (x.dim !== y.dim) throw new Error(`Feature sizes differ: ${x.dim} vs ${y.dim}`);
  const subsetSize = options.subsetSize ?? Math.min(1000, x.n, y.n);
  if (subsetSize < 2 || subsetSize > x.n || subsetSize > y.n) {
    throw new Error(`KID needs subsets of 2…${Math.min(x.n, y.n)} samples, got ${subsetSize}`);
  }
  const subsets = options.subsets ?? 100;
  const seed = options.seed ?? 0x51d;
  // Separate streams: y's subsets depend only on (y, size, seed), so their kernel sums can be reused.
  const rngX = new Rng(seed);
  const rngY = new Rng(seed ^ 0x2f6b3a91);
  const values: number[] = [];
  // With x used whole (the usual case: as many generated images as the subset size), the cross
  // term of a y-subset is a sum of x's kernel column sums over the subset's rows: one pass over
  // x × y instead of a Gram matrix per subset.
  const columnSums = subsetSize === x.n && options.strategy !== 'per-subset' ? await kernelColumnSums(x, y, options.signal) : null;
  for (let s = 0; s < subsets; s++) {
    options.signal?.throwIfAborted();
    const xs = subsetSize === x.n ? x : selectRows(x, sampleWithoutReplacement(x.n, subsetSize, rngX));
    const yRows = subsetSize === y.n ? null : sampleWithoutReplacement(y.n, subsetSize, rngY);
    const ys = yRows ? selectRows(y, yRows) : y;
    const xSelf = xs === x ? await memoSelf(x, 'whole') : await selfKernelMean(xs);
    const ySelf = await memoSelf(y, yRows ? `${subsetSize}/${seed}/${s}` : 'whole', ys);
    let cross: number;
    if (columnSums) {
      cross = 0;
      if (yRows) for (const j of yRows) cross += columnSums[j]!;
      else for (const v of columnSums) cross += v;
    } else {
      cross = await kernelSum(xs, ys, xs.dim, false);
    }
    values.push(xSelf + ySelf - (2 * cross) / (xs.n * ys.n));
    await yieldToEventLoop();
  }
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const std = values.length > 1 ? Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / values.length) : 0;
  return { mean, std, subsets, subsetSize, values };
}

/**
 * MMD²_u = Σ_{i≠j} k(xᵢ,xⱼ)/(m(m−1)) + Σ_{i≠j} k(yᵢ,yⱼ)/(n(n−1)) − 2·Σ_{i,j} k(xᵢ,yⱼ)/(mn).
 * Leaving out the diagonals is what makes it unbiased: k(x, x) is not a draw of k(x, x′).
 */
export async function unbiasedMmd2(x: Features, y: Features): Promise<number> {
  return (await selfKernelMean(x)) + (await selfKernelMean(y)) - (2 * (await kernelSum(x, y, x.dim, false))) / (x.n * y.n);
}

/**
 * Self-kernel means by feature set and subset: the real reference (the y of every comparison, and
 * of the baseline) is drawn the same way each time, so its half of the work is done once.
 */
const selfMemo = new WeakMap<Features, Map<string, number>>();

async function memoSelf(owner: Features, key: string, rows: Features = owner): Promise<number> {
  let memo = selfMemo.get(owner);
  if (!memo) selfMemo.set(owner, (memo = new Map()));
  let value = memo.get(key);
  if (value === undefined) memo.set(key, (value = await selfKernelMean(rows)));
  return value;
}

/** Mean of k over distinct pairs of one set. */
async function selfKernelMean(f: Features): Promise<number> {
  return (await kernelSum(f, f, f.dim, true)) / (f.n * (f.n - 1));
}

/** Σᵢ k(aᵢ, bⱼ) for every j. */
async function kernelColumnSums(a: Features, b: Features, signal?: AbortSignal): Promise<Float64Array> {
  const sums = new Float64Array(b.n);
  await forEachGramBlock(a, b, async (_start, rows, block) => {
    for (let r = 0; r < rows; r++) {
      const offset = r * b.n;
      for (let c = 0; c < b.n; c++) {
        const t = block[offset + c]! / a.dim + 1;
        sums[c]! += t * t * t;
      }
    }
    signal?.throwIfAborted();
    await yieldToEventLoop();
  });
  return sums;
}

async function kernelSum(a: Features, b: Features, d: number, skipDiagonal: boolean): Promise<number> {
  let sum = 0;
  await forEachGramBlock(a, b, (rowStart, rows, block) => {
    for (let r = 0; r < rows; r++) {
      const offset = r * b.n;
      for (let c = 0; c < b.n; c++) {
        if (skipDiagonal && c === rowStart + r) continue;
        const t = block[offset + c]! / d + 1;
        sum += t * t * t;
      }
    }
  });
  return sum;
}
