/**
 * Does the generator copy its training images? For a generated image, its nearest training images
 * in the domain classifier's feature space (what the image shows) and in pixel space (how it
 * looks), with distances. For a checkpoint, a copy rate: the share of samples that sit closer to
 * some training image than all but COPY_QUANTILE of the training images sit to their own nearest
 * other training image. New real images from the same source would read about COPY_QUANTILE;
 * a generator that memorised its small dataset reads far more. Distances are Euclidean, exact in
 * float64 wherever float32 rounding could change which neighbour is nearest.
 */
import { centred, forEachGramBlock, rowNorms, yieldToEventLoop, type Features } from './features';
import { exactD2, kthNeighbourDistances, slack } from './prdc';
import { StudioError } from '../../api/rpc';

/** The share of real images closer to their nearest other real image than the copy threshold. */
export const COPY_QUANTILE = 0.05;

export interface Neighbour {
  /** Row of the training set. */
  row: number;
  /** Euclidean distance. */
  distance: number;
}

/** The k nearest rows of `base` to one query vector (Euclidean, float64): a single image's neighbours. */
export function nearestRows(query: ArrayLike<number>, base: Float32Array, n: number, dim: number, k: number): Neighbour[] {
  const best: Neighbour[] = [];
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let d = 0, o = i * dim; d < dim; d++) {
      const diff = query[d]! - base[o + d]!;
      s += diff * diff;
    }
    if (best.length < k || s < best[best.length - 1]!.distance) {
      best.push({ row: i, distance: s });
      best.sort((a, b) => a.distance - b.distance);
      if (best.length > k) best.pop();
    }
  }
  return best.map((b) => ({ row: b.row, distance: Math.sqrt(b.distance) }));
}

export interface CopyCheck {
  /** Share of the samples closer to a training image than the threshold. */
  rate: number;
  /** The real images' own rate at this threshold (COPY_QUANTILE, up to ties). */
  realRate: number;
  /** The COPY_QUANTILE quantile of the training images' nearest-other-image distances. */
  threshold: number;
  /** Per sample: its nearest training image. */
  nearest: Neighbour[];
}

export async function copyCheck(fake: Features, real: Features, signal?: AbortSignal): Promise<CopyCheck> {
  if (real.n < 20) throw new StudioError({ code: 'invalid-request', message: `The dataset has only ${real.n} images: a copy check needs at least 20. Import more images.` });
  const [ownD2] = await kthNeighbourDistances(real, [1], signal);
  const sorted = Float64Array.from(ownD2!).sort();
  const thresholdD2 = sorted[Math.floor(COPY_QUANTILE * (sorted.length - 1))]!;
  const realRate = ownD2!.reduce((n, d2) => n + (d2 < thresholdD2 ? 1 : 0), 0) / real.n;
  const nearest = await nearestInSet(fake, real, signal);
  const thresholdD = Math.sqrt(thresholdD2);
  const rate = nearest.reduce((n, m) => n + (m.distance < thresholdD ? 1 : 0), 0) / fake.n;
  return { rate, realRate, threshold: thresholdD, nearest };
}

/** Each row of `a`'s nearest row of `b`: a GEMM screen, then exact float64 where rounding could decide. */
export async function nearestInSet(a: Features, b: Features, signal?: AbortSignal): Promise<Neighbour[]> {
  const [ca, cb] = centred([a, b]) as [Features, Features];
  const na = rowNorms(ca);
  const nb = rowNorms(cb);
  const out: Neighbour[] = new Array(a.n);
  await forEachGramBlock(ca, cb, async (rowStart, rows, block) => {
    for (let r = 0; r < rows; r++) {
      const i = rowStart + r;
      const approx = (j: number) => Math.max(0, na[i]! + nb[j]! - 2 * block[r * b.n + j]!);
      let min = Infinity;
      for (let j = 0; j < b.n; j++) min = Math.min(min, approx(j));
      let best = { row: -1, d2: Infinity };
      for (let j = 0; j < b.n; j++) {
        if (approx(j) - slack(na[i]!, nb[j]!, a.dim) > min) continue;
        const d2 = exactD2(a, i, b, j);
        if (d2 < best.d2) best = { row: j, d2 };
      }
      out[i] = { row: best.row, distance: Math.sqrt(best.d2) };
    }
    signal?.throwIfAborted();
    await yieldToEventLoop();
  });
  return out;
}
