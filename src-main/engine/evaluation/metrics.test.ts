/**
 * The metric math pinned to closed forms: if one of these fails, the numbers the app shows are
 * wrong, not just different.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { Matrix } from 'ml-matrix';
import { Rng } from '../rng';
import { normalDraw } from '../sampling/latents';
import { features, type Features } from './features';
import { featureStats, frechetDistance, symmetricSqrt, type GaussianStats } from './fid';
import { kernelInceptionDistance, unbiasedMmd2 } from './kid';
import { inceptionScore } from './inception-score';
import { precisionRecallDensityCoverage } from './prdc';
import { meanInterval } from './bootstrap';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** n samples of N(mean, diag(std²)) after an optional rotation. */
function gaussian(n: number, mean: number[], std: number[], seed: number, rotation?: number[][]): Features {
  const rng = new Rng(seed);
  const dim = mean.length;
  const data = new Float32Array(n * dim);
  for (let i = 0; i < n; i++) {
    const z = std.map((s) => s * normalDraw(rng));
    for (let r = 0; r < dim; r++) {
      const rotated = rotation ? rotation[r]!.reduce((acc, v, c) => acc + v * z[c]!, 0) : z[r]!;
      data[i * dim + r] = mean[r]! + rotated;
    }
  }
  return features(data, n, dim);
}

function stats(mean: number[], cov: number[][]): GaussianStats {
  return { n: Infinity, mean: Float64Array.from(mean), cov: new Matrix(cov) };
}

describe('FID', () => {
  it('is ≈ 0 for a set against itself, also when there are fewer samples than dimensions', async () => {
    const wide = await featureStats(gaussian(400, Array(16).fill(0.5), Array(16).fill(2), 1));
    expect(frechetDistance(wide, wide)).toBeLessThan(1e-6 * wide.cov.trace());
    // 20 samples in 64 dimensions: a covariance of rank 19, where naive sqrtm goes complex.
    const singular = await featureStats(gaussian(20, Array(64).fill(0), Array(64).fill(1), 2));
    const self = frechetDistance(singular, singular);
    expect(Number.isFinite(self)).toBe(true);
    expect(self).toBeLessThan(1e-6 * singular.cov.trace());
  });

  it('matches ‖μ₁−μ₂‖² + Σ(σ₁ + σ₂ − 2√(σ₁σ₂)) for diagonal covariances', () => {
    const v1 = [1, 4, 0.25, 9];
    const v2 = [4, 1, 1, 0];
    const mu1 = [0, 1, 2, 3];
    const mu2 = [1, 1, 0, 3];
    const diag = (v: number[]) => v.map((x, i) => v.map((_, j) => (i === j ? x : 0)));
    const expected = mu1.reduce((a, m, i) => a + (m - mu2[i]!) ** 2, 0) + v1.reduce((a, s, i) => a + s + v2[i]! - 2 * Math.sqrt(s * v2[i]!), 0);
    expect(frechetDistance(stats(mu1, diag(v1)), stats(mu2, diag(v2)))).toBeCloseTo(expected, 9);
  });

  it('matches tr √(Σ₁Σ₂) = √(tr Σ₁Σ₂ + 2√(det Σ₁ det Σ₂)) for non-commuting 2×2 covariances', () => {
    const rng = new Rng(7);
    for (let trial = 0; trial < 20; trial++) {
      const random2x2 = () => {
        const a = [[normalDraw(rng), normalDraw(rng)], [normalDraw(rng), normalDraw(rng)]];
        return new Matrix(a).mmul(new Matrix(a).transpose()).to2DArray();
      };
      const s1 = random2x2();
      const s2 = random2x2();
      const mu1 = [normalDraw(rng), normalDraw(rng)];
      const mu2 = [normalDraw(rng), normalDraw(rng)];
      const m1 = new Matrix(s1);
      const m2 = new Matrix(s2);
      const traceSqrt = Math.sqrt(m1.mmul(m2).trace() + 2 * Math.sqrt(Math.max(0, det2(s1) * det2(s2))));
      const expected = (mu1[0]! - mu2[0]!) ** 2 + (mu1[1]! - mu2[1]!) ** 2 + m1.trace() + m2.trace() - 2 * traceSqrt;
      expect(frechetDistance(stats(mu1, s1), stats(mu2, s2))).toBeCloseTo(Math.max(0, expected), 8);
    }
  });

  it('handles exactly singular covariances: diag(1,0) vs diag(0,1) is 2, and a rank-1 Σ against itself is 0', () => {
    expect(frechetDistance(stats([0, 0], [[1, 0], [0, 0]]), stats([0, 0], [[0, 0], [0, 1]]))).toBeCloseTo(2, 12);
    const rank1 = stats([3, 3, 3], [[4, 4, 0], [4, 4, 0], [0, 0, 0]]);
    expect(frechetDistance(rank1, rank1)).toBeLessThan(1e-12);
  });

  it('from sampled Gaussian features, converges to the closed form of the generating Gaussians', async () => {
    // Rotated so the covariances are full, not diagonal; the same rotation for both keeps them commuting.
    const c = Math.cos(0.6);
    const s = Math.sin(0.6);
    const rot = [[c, -s, 0], [s, c, 0], [0, 0, 1]];
    const a = await featureStats(gaussian(40_000, [0, 0, 0], [1, 2, 0.5], 11, rot));
    const b = await featureStats(gaussian(40_000, [1, 0, -1], [2, 1, 0.5], 12, rot));
    // Commuting covariances: tr(Σ₁ + Σ₂ − 2(Σ₁Σ₂)^½) = Σ (σ₁ − σ₂)² over the shared eigenbasis.
    const expected = 2 + (1 - 2) ** 2 + (2 - 1) ** 2 + 0;
    expect(frechetDistance(a, b)).toBeCloseTo(expected, 1);
  });

  it('symmetricSqrt squares back to its argument', () => {
    const a = new Matrix([[4, 1, 0], [1, 3, 1], [0, 1, 2]]);
    const root = symmetricSqrt(a);
    const back = root.mmul(root);
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) expect(back.get(i, j)).toBeCloseTo(a.get(i, j), 10);
  });
});

describe('KID', () => {
  // d = 1 discrete distributions, where the population MMD² under k(x, y) = (xy + 1)³ is an exact
  // finite sum: X uniform on {−1, 1}, Y uniform on {0, 2} give E k(X,X′) = 4, E k(Y,Y′) = 32,
  // E k(X,Y) = 7, so MMD² = 4 + 32 − 2·7 = 22.
  const drawFrom = (support: number[], m: number, rng: Rng) => features(Float32Array.from({ length: m }, () => support[rng.int(support.length)]!), m, 1);
  const populationMmd2 = (p: number[], q: number[]) => {
    const k = (a: number, b: number) => (a * b + 1) ** 3;
    const e = (u: number[], v: number[]) => u.reduce((acc, a) => acc + v.reduce((s, b) => s + k(a, b), 0), 0) / (u.length * v.length);
    return e(p, p) + e(q, q) - 2 * e(p, q);
  };

  it('the enumeration helper reproduces the hand-computed value', () => {
    expect(populationMmd2([-1, 1], [0, 2])).toBe(22);
  });

  it('is unbiased: its mean over many small samples equals the population MMD², where the biased estimate is far off', async () => {
    const rng = new Rng(5);
    const p = [-1, 1];
    const q = [0, 2];
    const m = 6;
    const trials = 1500;
    let sum = 0;
    let sumSq = 0;
    let biasedSum = 0;
    for (let t = 0; t < trials; t++) {
      const x = drawFrom(p, m, rng);
      const y = drawFrom(q, m, rng);
      const value = await unbiasedMmd2(x, y);
      sum += value;
      sumSq += value * value;
      biasedSum += vStatistic(x.data, y.data);
    }
    const mean = sum / trials;
    const standardError = Math.sqrt((sumSq / trials - mean * mean) / trials);
    const exact = populationMmd2(p, q);
    expect(Math.abs(mean - exact)).toBeLessThan(3.5 * standardError);
    // The test has teeth: keeping the diagonal (the V-statistic) misses by many standard errors.
    expect(Math.abs(biasedSum / trials - exact)).toBeGreaterThan(10 * standardError);
  }, 60_000);

  it('averages to ≈ 0 for two samples of one distribution (and may go negative, as unbiased estimates do)', async () => {
    const rng = new Rng(9);
    const support = [-1, 0, 0.5, 2];
    const values: number[] = [];
    for (let t = 0; t < 800; t++) values.push(await unbiasedMmd2(drawFrom(support, 8, rng), drawFrom(support, 8, rng)));
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    const sd = Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / values.length);
    expect(Math.abs(mean)).toBeLessThan((3.5 * sd) / Math.sqrt(values.length));
    expect(values.some((v) => v < 0)).toBe(true);
  }, 60_000);

  it('takes the cross term from kernel column sums when the generated set is used whole, to the same values', async () => {
    const fake = gaussian(80, [0.3, 0, 0, 0], [1, 1, 1, 1], 24);
    const real = gaussian(700, [0, 0, 0, 0], [1, 1, 1, 1], 25);
    const fast = await kernelInceptionDistance(fake, real, { subsets: 12 });
    const direct = await kernelInceptionDistance(fake, real, { subsets: 12, strategy: 'per-subset' });
    expect(fast.subsetSize).toBe(80);
    fast.values.forEach((v, i) => expect(v).toBeCloseTo(direct.values[i]!, 6));
    expect(new Set(fast.values).size).toBe(12); // the real subsets do differ
  });

  it('reports mean ± std over subsets and ranks a farther distribution higher', async () => {
    const real = gaussian(600, [0, 0, 0, 0], [1, 1, 1, 1], 21);
    const near = gaussian(300, [0.2, 0, 0, 0], [1, 1, 1, 1], 22);
    const far = gaussian(300, [1.5, 0, 0, 0], [1, 1, 1, 1], 23);
    const a = await kernelInceptionDistance(real, near, { subsets: 20, subsetSize: 100 });
    const b = await kernelInceptionDistance(real, far, { subsets: 20, subsetSize: 100 });
    expect(a.values).toHaveLength(20);
    expect(a.std).toBeGreaterThan(0);
    expect(b.mean).toBeGreaterThan(a.mean + 3 * a.std);
  });
});

describe('Inception Score', () => {
  it('is exactly 1 for uniform predictions', () => {
    const logits = new Float32Array(100 * 10).fill(0.3);
    const result = inceptionScore(logits, 10, 5);
    expect(result.mean).toBeCloseTo(1, 12);
    expect(result.std).toBeCloseTo(0, 12);
  });

  it('equals the class count for confident, balanced predictions', () => {
    const classes = 10;
    const n = 200;
    const logits = new Float32Array(n * classes).fill(-60);
    for (let i = 0; i < n; i++) logits[i * classes + (i % classes)] = 60;
    const result = inceptionScore(logits, classes, 10);
    expect(result.mean).toBeCloseTo(classes, 6);
  });

  it('is 1 when every image is confidently the same class (no diversity)', () => {
    const logits = new Float32Array(50 * 4).fill(-40);
    for (let i = 0; i < 50; i++) logits[i * 4 + 2] = 40;
    expect(inceptionScore(logits, 4, 5).mean).toBeCloseTo(1, 6);
  });
});

describe('precision, recall, density, coverage', () => {
  // Real: a wide cloud. Fake: a tight cluster inside one corner of it — every fake looks real
  // (high precision) but most of the real variety is missing (low recall). A swapped
  // implementation reports the opposite.
  it('subset vs superset: high precision and low recall, not the other way round', async () => {
    const real = gaussian(600, [0, 0], [3, 3], 31);
    const fake = gaussian(600, [1, 1], [0.4, 0.4], 32);
    const r = await precisionRecallDensityCoverage(real, fake);
    expect(r.precision).toBeGreaterThan(0.95);
    expect(r.recall).toBeLessThan(0.2);
    expect(r.coverage).toBeLessThan(0.2);
    // And exchanging the roles exchanges the numbers.
    const swapped = await precisionRecallDensityCoverage(fake, real);
    expect(swapped.precision).toBeLessThan(0.2);
    expect(swapped.recall).toBeGreaterThan(0.95);
  });

  it('two samples of one distribution: precision and recall high, density ≈ 1, coverage ≈ 1 − 2⁻ᵏ', async () => {
    const real = gaussian(800, [0, 0, 0], [1, 1, 1], 41);
    const fake = gaussian(800, [0, 0, 0], [1, 1, 1], 42);
    const r = await precisionRecallDensityCoverage(real, fake);
    expect(r.precision).toBeGreaterThan(0.75);
    expect(r.recall).toBeGreaterThan(0.75);
    expect(r.density).toBeGreaterThan(0.85);
    expect(r.density).toBeLessThan(1.15);
    // Naeem et al.: for identical distributions and equal sizes E[coverage] ≈ 1 − 2⁻ᵏ = 0.969 (k = 5).
    expect(r.coverage).toBeGreaterThan(0.93);
    expect(r.coverage).toBeLessThan(0.995);
  });

  it('counts exact duplicates as neighbours: identical sets have precision = recall = coverage = 1', async () => {
    const real = gaussian(50, [0, 0], [1, 1], 51);
    const r = await precisionRecallDensityCoverage(real, real);
    expect([r.precision, r.recall, r.coverage]).toEqual([1, 1, 1]);
  });
});

describe('bootstrap', () => {
  it('gives a percentile interval around a mean with the textbook width', async () => {
    const rng = new Rng(3);
    const values = Float64Array.from({ length: 2000 }, () => (rng.next() < 0.3 ? 1 : 0));
    const m = values.reduce((a, b) => a + b, 0) / values.length;
    const ci = await meanInterval(values, { iterations: 400, seed: 1 });
    expect(ci.low).toBeLessThan(m);
    expect(ci.high).toBeGreaterThan(m);
    const normalWidth = 2 * 1.96 * Math.sqrt((m * (1 - m)) / values.length);
    expect(ci.high - ci.low).toBeGreaterThan(0.8 * normalWidth);
    expect(ci.high - ci.low).toBeLessThan(1.2 * normalWidth);
  });
});

describe('tensor hygiene', () => {
  it('leaves no tensors behind', async () => {
    const before = tf.memory().numTensors;
    const a = gaussian(120, [0, 0, 0], [1, 1, 1], 61);
    const b = gaussian(120, [1, 0, 0], [1, 1, 1], 62);
    await featureStats(a);
    await kernelInceptionDistance(a, b, { subsets: 3, subsetSize: 50 });
    await precisionRecallDensityCoverage(a, b);
    expect(tf.memory().numTensors).toBe(before);
  });
});

function det2(m: number[][]): number {
  return m[0]![0]! * m[1]![1]! - m[0]![1]! * m[1]![0]!;
}

/** The biased MMD² (diagonals kept), d = 1, only to show the unbiasedness test can fail. */
function vStatistic(x: Float32Array, y: Float32Array): number {
  const k = (a: number, b: number) => (a * b + 1) ** 3;
  const mean = (u: Float32Array, v: Float32Array) => {
    let s = 0;
    for (const a of u) for (const b of v) s += k(a, b);
    return s / (u.length * v.length);
  };
  return mean(x, x) + mean(y, y) - 2 * mean(x, y);
}
