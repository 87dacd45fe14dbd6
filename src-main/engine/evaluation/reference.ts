/**
 * The real side of every comparison, computed once per dataset and extractor and cached in the
 * project (evaluation/real-<dataset>-<extractor>.gsc, checksummed like checkpoints), then split in
 * two disjoint parts: a held-out part the size of the generated set — the real-vs-real baseline —
 * and the reference the generated images and the baseline are both compared against. Using the
 * same reference and equal sizes is what makes the baseline a fair "as good as real" line (FID in
 * particular shifts with the sample count).
 */
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Matrix } from 'ml-matrix';
import { LRUCache } from 'lru-cache';
import type { LabelledImages } from '../dataset/mnist-demo';
import { writeFileAtomic } from '../../project/atomic';
import { decodeCheckpoint, encodeCheckpoint } from '../../project/checkpoint/format';
import { extractAll, labelledImageSource, type FeatureExtractor } from './extractor';
import { features, permutation, selectRows, type Features } from './features';
import { featureStats, symmetricSqrt, type GaussianStats } from './fid';
import type { EvalDataset } from './datasets';

/** Real images featurised at most: a random subset of larger datasets (FID's variance is small by then). */
export const MAX_REAL = 10_000;
const FORMAT = 'gan-studio-real-features';

export interface RealFeatures {
  features: Features;
  /** Logits when the extractor has them ([n × classes]). */
  logits: Float32Array | null;
  /** Dataset row of each feature row (for the labels of held-out images). */
  rows: Int32Array;
}

/** Loads the cached real features, or computes and caches them. */
export async function realFeatures(
  dataset: EvalDataset,
  extractor: FeatureExtractor,
  cacheDir: string,
  options: { signal?: AbortSignal; onProgress?: (done: number, total: number) => void; data?: () => Promise<LabelledImages> } = {},
): Promise<RealFeatures> {
  const name = `real-${dataset.key}-${extractor.key}.gsc`;
  const cached = await readCache(join(cacheDir, name));
  if (cached) return cached;
  const data = await (options.data ?? dataset.load)();
  const limit = extractor.realLimit ?? MAX_REAL;
  const rows = data.count > limit ? permutation(data.count, 0x7ea1).slice(0, limit).sort() : Int32Array.from({ length: data.count }, (_, i) => i);
  const extracted = await extractAll(extractor, labelledImageSource(data, rows), {
    ...(options.signal ? { signal: options.signal } : {}),
    onProgress: (done) => options.onProgress?.(done, rows.length),
  });
  const result: RealFeatures = { features: extracted.features, logits: extracted.logits, rows };
  await mkdir(cacheDir, { recursive: true });
  const groups = {
    features: [{ name: 'features', shape: [result.features.n, result.features.dim], dtype: 'float32' as const, data: result.features.data }],
    rows: [{ name: 'rows', shape: [rows.length], dtype: 'int32' as const, data: rows }],
    ...(result.logits ? { logits: [{ name: 'logits', shape: [rows.length, extractor.classes], dtype: 'float32' as const, data: result.logits }] } : {}),
  };
  await writeFileAtomic(cacheDir, name, encodeCheckpoint({ step: 0, meta: { format: FORMAT, dataset: dataset.key, extractor: extractor.key }, groups }, new Date().toISOString()));
  return result;
}

async function readCache(file: string): Promise<RealFeatures | null> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch {
    return null;
  }
  try {
    const { state } = decodeCheckpoint(bytes);
    const f = state.groups.features?.[0];
    const rows = state.groups.rows?.[0];
    if (state.meta.format !== FORMAT || !f || !rows || f.shape.length !== 2) return null;
    const logits = state.groups.logits?.[0]?.data;
    return { features: features(f.data as Float32Array, f.shape[0]!, f.shape[1]!), logits: (logits as Float32Array | undefined) ?? null, rows: rows.data as Int32Array };
  } catch {
    return null; // Damaged: recomputed and rewritten.
  }
}

export interface ReferenceSplit {
  /** Compared with the generated images and with the held-out part. */
  reference: Features;
  /** Real images the size of the generated set (or half the real set when that is smaller). */
  heldOut: Features;
  heldOutLogits: Float32Array | null;
  /** Dataset rows of the held-out images. */
  heldOutRows: Int32Array;
}

/**
 * Memos of the evaluation's real side, least recently used out first, bounded by the bytes they
 * hold (a split copies the real features: 80 MB for 10,000 Inception vectors), so one evaluation of
 * several draws keeps each draw's split and statistics between checkpoints without the engine
 * growing by a copy per draw.
 */
const MEMO_BYTES = 384 * 2 ** 20;

/**
 * Splits by key (dataset × extractor weights × sample count × seed: everything they depend on), so
 * repeated evaluations share one reference object and the memos keyed on it (KID's kernel sums).
 */
const splitMemo = new LRUCache<string, ReferenceSplit>({
  maxSize: MEMO_BYTES,
  sizeCalculation: (split) => (split.reference.data.byteLength + split.heldOut.data.byteLength) || 1,
});

export function splitReal(real: RealFeatures, samples: number, classes: number, seed: number, memoKey?: string): ReferenceSplit {
  if (memoKey) {
    const hit = splitMemo.get(memoKey);
    if (hit) return hit;
    const split = splitReal(real, samples, classes, seed);
    splitMemo.set(memoKey, split);
    return split;
  }
  const n = real.features.n;
  if (n < 20) throw new Error(`The dataset has only ${n} images: evaluation needs at least 20`);
  const held = Math.min(samples, Math.floor(n / 2));
  const order = permutation(n, seed ^ 0x5e1f);
  const heldIdx = order.subarray(0, held);
  const refIdx = order.subarray(held);
  let heldOutLogits: Float32Array | null = null;
  if (real.logits && classes > 0) {
    heldOutLogits = new Float32Array(held * classes);
    heldIdx.forEach((row, i) => heldOutLogits!.set(real.logits!.subarray(row * classes, (row + 1) * classes), i * classes));
  }
  return {
    reference: selectRows(real.features, refIdx),
    heldOut: selectRows(real.features, heldIdx),
    heldOutLogits,
    heldOutRows: Int32Array.from(heldIdx, (i) => real.rows[i]!),
  };
}

/** Reference statistics with Σ^½, memoised: the expensive part of FID, shared by every checkpoint compared. */
// Each entry is sized when set: the covariance and its square root (dim² doubles each) and the mean.
const statsMemo = new LRUCache<string, Promise<{ stats: GaussianStats; sqrtCov: Matrix }>>({ maxSize: MEMO_BYTES });

export function referenceStats(key: string, reference: Features): Promise<{ stats: GaussianStats; sqrtCov: Matrix }> {
  let entry = statsMemo.get(key);
  if (!entry) {
    entry = featureStats(reference).then((stats) => ({ stats, sqrtCov: symmetricSqrt(stats.cov) }));
    entry.catch(() => statsMemo.delete(key));
    statsMemo.set(key, entry, { size: (2 * reference.dim * reference.dim + reference.dim) * 8 });
  }
  return entry;
}
