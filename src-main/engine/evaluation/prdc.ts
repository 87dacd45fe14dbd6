/**
 * Fidelity and diversity as separate numbers, from k-nearest-neighbour balls in feature space.
 *
 * Precision and recall (Kynkäänniemi et al. 2019, k = 3): the real manifold is the union of balls
 * around each real feature with the radius to its k-th nearest real neighbour; precision is the
 * share of generated samples inside the real manifold (are fakes realistic?), recall the share of
 * real samples inside the generated manifold (is every kind of real image produced?). Mixing the
 * two up is easy — they are the same computation with the sets exchanged — and the tests pin which
 * is which on a subset/superset construction.
 *
 * Density and coverage (Naeem et al. 2020, k = 5 as they recommend): density counts how many real
 * balls each fake falls in, divided by k (≈ 1 when fakes are distributed like reals, robust to
 * real outliers that inflate precision); coverage is the share of real balls holding at least one
 * fake (robust to fake outliers that inflate recall).
 *
 * A sample is inside a ball when its distance is strictly less than the radius (`<`), as in the
 * published implementation (clovaai/prdc): a ball holds its centre and k − 1 neighbours, so
 * identical sets have density exactly 1. Distances come from a float32 GEMM on centred features
 * (centred()) as a fast screen; wherever one is close enough to a radius for float32 rounding to
 * decide the comparison (or the k-th neighbour), it is recomputed exactly in float64.
 */
import { centred, forEachGramBlock, rowNorms, yieldToEventLoop, type Features } from './features';

export const PR_NEIGHBOURS = 3;
export const DC_NEIGHBOURS = 5;

/** Per-sample outcomes: each metric is a mean of one of these, which is what the bootstrap resamples. */
export interface ManifoldHits {
  /** Per fake: inside the real manifold (k = PR). */
  precision: Uint8Array;
  /** Per real: inside the fake manifold (k = PR). */
  recall: Uint8Array;
  /** Per fake: real balls (k = DC) containing it, divided by k. */
  density: Float64Array;
  /** Per real: its ball (k = DC) holds a fake. */
  coverage: Uint8Array;
}

export interface PrdcResult {
  precision: number;
  recall: number;
  density: number;
  coverage: number;
  hits: ManifoldHits;
  /** What says whether precision can be trusted (see collapsedPrecision). */
  spread: ManifoldSpread;
}

/**
 * Precision counts a sample as realistic when it falls inside any one real image's ball. Samples
 * that have collapsed to nearly one point in feature space (an untrained generator's flat grey
 * images do) land together in whichever real ball happens to enclose that point, often an
 * outlier's large one: precision reads 1 [1, 1] for pure noise. These numbers expose it.
 */
export interface ManifoldSpread {
  /** Median k-th-neighbour distance among the samples over that among the real images (1 ≈ as spread out). */
  fakeToReal: number;
  /** Real balls (k = PR) that hold at least one sample, of `realBalls`. */
  ballsHit: number;
  realBalls: number;
}

export async function precisionRecallDensityCoverage(
  realFeatures: Features,
  fakeFeatures: Features,
  options: { prK?: number; dcK?: number; signal?: AbortSignal } = {},
): Promise<PrdcResult> {
  const prK = options.prK ?? PR_NEIGHBOURS;
  const dcK = options.dcK ?? DC_NEIGHBOURS;
  const needed = Math.max(prK, dcK) + 1;
  if (realFeatures.n < needed || fakeFeatures.n < needed) throw new Error(`Precision/recall need at least ${needed} samples in each set`);
  const [real, fake] = centred([realFeatures, fakeFeatures]) as [Features, Features];
  const [realPr, realDc] = await kthNeighbourDistances(realFeatures, [prK, dcK], options.signal);
  const [fakePr] = await kthNeighbourDistances(fakeFeatures, [prK], options.signal);
  const hits: ManifoldHits = {
    precision: new Uint8Array(fake.n),
    recall: new Uint8Array(real.n),
    density: new Float64Array(fake.n),
    coverage: new Uint8Array(real.n),
  };
  const ballHit = new Uint8Array(real.n);
  const fakeNorms = rowNorms(fake);
  const realNorms = rowNorms(real);
  // One pass over fake × real distances serves all four: rows are fakes, columns reals.
  await forEachGramBlock(fake, real, async (rowStart, rows, block) => {
    for (let r = 0; r < rows; r++) {
      const j = rowStart + r;
      let inside = 0;
      for (let i = 0; i < real.n; i++) {
        let d2 = Math.max(0, fakeNorms[j]! + realNorms[i]! - 2 * block[r * real.n + i]!);
        const tol = slack(fakeNorms[j]!, realNorms[i]!, real.dim);
        // Only where rounding could decide a comparison: recompute exactly.
        if (Math.abs(d2 - realPr![i]!) <= tol || Math.abs(d2 - realDc![i]!) <= tol || Math.abs(d2 - fakePr![j]!) <= tol) d2 = exactD2(fakeFeatures, j, realFeatures, i);
        if (d2 < realPr![i]!) hits.precision[j] = ballHit[i] = 1;
        if (d2 < realDc![i]!) {
          inside++;
          hits.coverage[i] = 1;
        }
        if (d2 < fakePr![j]!) hits.recall[i] = 1;
      }
      hits.density[j] = inside / dcK;
    }
    options.signal?.throwIfAborted();
    await yieldToEventLoop();
  });
  return {
    precision: mean(hits.precision),
    recall: mean(hits.recall),
    density: mean(hits.density),
    coverage: mean(hits.coverage),
    hits,
    spread: { fakeToReal: Math.sqrt(median(fakePr!) / Math.max(median(realPr!), Number.MIN_VALUE)), ballsHit: ballHit.reduce((a, b) => a + b, 0), realBalls: real.n },
  };
}

/**
 * Balls that count as "a few" however few real images there are: at the Evaluate view's 100, one
 * point lies inside about 10 real balls (k = 3 in 16 dimensions), which is 10 % of them.
 */
const FEW_BALLS = 12;

/**
 * Why a precision should not be read as fidelity, or null when it can: the samples counted as
 * realistic crowd into under 2 % of the real balls (or under a dozen), ten or more to a ball. Near-identical samples
 * (an untrained generator's flat images) land together in whichever real ball encloses their one
 * point, often an outlier's large one: on the digits, a flat grey generator reads precision 1 and
 * faint noise 0.5, each from a single real ball of 1,000. Samples spread over the data are not
 * flagged; a collapse onto a few real modes is, and there recall and coverage tell the rest.
 */
export function collapsedPrecision(result: Pick<PrdcResult, 'precision' | 'spread' | 'hits'>): string | null {
  const { fakeToReal, ballsHit, realBalls } = result.spread;
  const counted = Math.round(result.precision * result.hits.precision.length);
  if (counted === 0 || ballsHit >= Math.max(0.02 * realBalls, FEW_BALLS) || counted < 10 * ballsHit) return null;
  const spread = fakeToReal * 100 < 1 ? '< 1' : (fakeToReal * 100).toFixed(0);
  const n = (x: number) => x.toLocaleString('en-US');
  return (
    `Precision is not fidelity here: the ${n(counted)} samples it counts as realistic all fall inside ${n(ballsHit)} of ${n(realBalls)} real neighbourhoods ` +
    `(the samples' spread is ${spread} % of the real images'). Samples collapsed to a few points land together in whichever real neighbourhood ` +
    'encloses them, often an outlier’s large one, so even noise can read high. Look at the samples, and read recall, density, coverage and KID.'
  );
}

function median(values: Float64Array): number {
  const sorted = Float64Array.from(values).sort();
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * For each row, the squared distance to its k-th nearest other row, for each k asked, exact in
 * float64. The row itself is excluded by index, so exact duplicates still count as neighbours at
 * distance 0.
 */
export async function kthNeighbourDistances(original: Features, ks: number[], signal?: AbortSignal): Promise<Float64Array[]> {
  const kMax = Math.max(...ks);
  if (original.n <= kMax) throw new Error(`${kMax} nearest neighbours need more than ${kMax} samples`);
  const [f] = centred([original]) as [Features];
  const norms = rowNorms(f);
  const out = ks.map(() => new Float64Array(f.n));
  const nearest = new Float64Array(kMax);
  await forEachGramBlock(f, f, async (rowStart, rows, block) => {
    for (let r = 0; r < rows; r++) {
      const i = rowStart + r;
      const approx = (j: number) => Math.max(0, norms[i]! + norms[j]! - 2 * block[r * f.n + j]!);
      // The k-th smallest in float32, then every row that rounding could put among the k nearest,
      // measured exactly.
      nearest.fill(Infinity);
      for (let j = 0; j < f.n; j++) if (j !== i) insert(nearest, approx(j));
      const bound = nearest[kMax - 1]!;
      const candidates: number[] = [];
      for (let j = 0; j < f.n; j++) {
        if (j !== i && approx(j) - slack(norms[i]!, norms[j]!, f.dim) <= bound) candidates.push(exactD2(original, i, original, j));
      }
      candidates.sort((a, b) => a - b);
      ks.forEach((k, index) => (out[index]![i] = candidates[k - 1]!));
    }
    signal?.throwIfAborted();
    await yieldToEventLoop();
  });
  return out;
}

/** Inserts d2 into the ascending list of the smallest values seen, dropping the largest. */
function insert(nearest: Float64Array, d2: number): void {
  const last = nearest.length - 1;
  if (d2 >= nearest[last]!) return;
  let p = last;
  while (p > 0 && nearest[p - 1]! > d2) {
    nearest[p] = nearest[p - 1]!;
    p--;
  }
  nearest[p] = d2;
}

/**
 * A bound on the float32 error of |a|² + |b|² − 2a·b (norms in float64, the product a float32 GEMM
 * over `dim` terms): 2·dim·2⁻²⁴·|a||b| ≤ dim·2⁻²⁴·(|a|² + |b|²), doubled for the inputs' rounding.
 */
export function slack(normA2: number, normB2: number, dim: number): number {
  return (normA2 + normB2) * (dim + 2) * 2 ** -22;
}

/** ‖x_i − y_j‖² in float64 from the original features. */
export function exactD2(x: Features, i: number, y: Features, j: number): number {
  let s = 0;
  for (let d = 0, a = i * x.dim, b = j * y.dim; d < x.dim; d++) {
    const diff = x.data[a + d]! - y.data[b + d]!;
    s += diff * diff;
  }
  return s;
}

export function mean(values: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i]!;
  return s / values.length;
}
