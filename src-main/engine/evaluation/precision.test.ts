/**
 * Metric numerics against float64 references written out here, on features built to break float32:
 * ill-conditioned covariances, a large common offset, and exact ties.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { Matrix } from 'ml-matrix';
import { Rng } from '../rng';
import { normalDraw } from '../sampling/latents';
import { features, type Features } from './features';
import { featureStats, frechetDistance, type GaussianStats } from './fid';
import { collapsedPrecision, DC_NEIGHBOURS, PR_NEIGHBOURS, precisionRecallDensityCoverage } from './prdc';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** n rows: offset + per-dimension scales spanning `decades` orders of magnitude, mixed by a fixed rotation. */
function illConditioned(n: number, dim: number, offset: number, decades: number, seed: number): Features {
  const rng = new Rng(seed);
  const scales = Array.from({ length: dim }, (_, j) => 10 ** (-decades * (j / (dim - 1))));
  const data = new Float32Array(n * dim);
  for (let i = 0; i < n; i++) {
    const z = scales.map((s) => s * normalDraw(rng));
    // A Householder-like mix so no axis is a pure eigen-direction.
    const dot = z.reduce((a, v) => a + v, 0) / dim;
    for (let j = 0; j < dim; j++) data[i * dim + j] = offset + z[j]! - 2 * dot;
  }
  return features(data, n, dim);
}

/** Two-pass mean and unbiased covariance in float64, the textbook way (numpy's np.cov). */
function referenceStats(f: Features): GaussianStats {
  const { n, dim, data } = f;
  const mean = new Float64Array(dim);
  for (let i = 0; i < n; i++) for (let j = 0; j < dim; j++) mean[j]! += data[i * dim + j]!;
  for (let j = 0; j < dim; j++) mean[j]! /= n;
  const cov = new Matrix(dim, dim);
  for (let a = 0; a < dim; a++) {
    for (let b = 0; b < dim; b++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += (data[i * dim + a]! - mean[a]!) * (data[i * dim + b]! - mean[b]!);
      cov.set(a, b, s / (n - 1));
    }
  }
  return { n, mean, cov };
}

/** clovaai/prdc (Naeem et al. 2020), distances in float64, balls open (`<`). */
function referencePrdc(real: Features, fake: Features, prK: number, dcK: number): { precision: number; recall: number; density: number; coverage: number } {
  const dist = (x: Features, i: number, y: Features, j: number) => {
    let s = 0;
    for (let d = 0; d < x.dim; d++) s += (x.data[i * x.dim + d]! - y.data[j * y.dim + d]!) ** 2;
    return Math.sqrt(s);
  };
  // The (k+1)-th smallest distance to the set itself, self (0) included: get_kth_value(…, k + 1).
  const radii = (x: Features, k: number) =>
    Array.from({ length: x.n }, (_, i) => Array.from({ length: x.n }, (_, j) => dist(x, i, x, j)).sort((a, b) => a - b)[k]!);
  const realPr = radii(real, prK);
  const realDc = radii(real, dcK);
  const fakePr = radii(fake, prK);
  const d = Array.from({ length: real.n }, (_, i) => Array.from({ length: fake.n }, (_, j) => dist(real, i, fake, j)));
  let precision = 0;
  let recall = 0;
  let density = 0;
  let coverage = 0;
  for (let j = 0; j < fake.n; j++) {
    if (d.some((row, i) => row[j]! < realPr[i]!)) precision++;
    density += d.filter((row, i) => row[j]! < realDc[i]!).length / dcK;
  }
  for (let i = 0; i < real.n; i++) {
    if (d[i]!.some((v, j) => v < fakePr[j]!)) recall++;
    if (Math.min(...d[i]!) < realDc[i]!) coverage++;
  }
  return { precision: precision / fake.n, recall: recall / real.n, density: density / fake.n, coverage: coverage / real.n };
}

describe('FID in float64', () => {
  it('has the covariance of a float64 two-pass reference on ill-conditioned features far from the origin', async () => {
    const f = illConditioned(3000, 12, 50, 4, 1);
    const got = await featureStats(f);
    const want = referenceStats(f);
    let worst = 0;
    for (let a = 0; a < 12; a++) {
      worst = Math.max(worst, Math.abs(got.mean[a]! - want.mean[a]!) / Math.abs(want.mean[a]!));
      for (let b = 0; b < 12; b++) {
        const scale = Math.sqrt(want.cov.get(a, a) * want.cov.get(b, b));
        worst = Math.max(worst, Math.abs(got.cov.get(a, b) - want.cov.get(a, b)) / scale);
      }
    }
    expect(worst).toBeLessThan(1e-12);
  });

  it('gives the reference FID to 1e-9 (relative) for two ill-conditioned sets', async () => {
    const a = illConditioned(2000, 16, 20, 5, 2);
    const b = illConditioned(2000, 16, 20.001, 5, 3);
    const got = frechetDistance(await featureStats(a), await featureStats(b));
    const want = frechetDistance(referenceStats(a), referenceStats(b));
    expect(Math.abs(got - want) / want).toBeLessThan(1e-9);
  });
});

describe('nearest-neighbour metrics', () => {
  it('are exact for features that share a large offset (mean 1000, std 1, d = 16)', async () => {
    const cloud = (seed: number) => illConditioned(150, 16, 1000, 0, seed);
    const real = cloud(11);
    const fake = cloud(12);
    const got = await precisionRecallDensityCoverage(real, fake);
    const want = referencePrdc(real, fake, PR_NEIGHBOURS, DC_NEIGHBOURS);
    expect({ precision: got.precision, recall: got.recall, density: got.density, coverage: got.coverage }).toEqual(want);
  });

  it('count ties as outside, as clovaai/prdc does: identical sets have density exactly 1', async () => {
    const real = illConditioned(60, 4, 0, 0, 21);
    const r = await precisionRecallDensityCoverage(real, real);
    expect(r.density).toBe(1);
    expect([r.precision, r.recall, r.coverage]).toEqual([1, 1, 1]);
    // Points on a line 0, 1, 2, …: distances are small integers, so every radius is a tie somewhere.
    const line = (values: number[]) => features(Float32Array.from(values), values.length, 1);
    const a = line([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const b = line([0.5, 2, 4, 6, 6.5, 7, 11, 12, 13, 20]);
    const got = await precisionRecallDensityCoverage(a, b);
    expect({ precision: got.precision, recall: got.recall, density: got.density, coverage: got.coverage }).toEqual(referencePrdc(a, b, PR_NEIGHBOURS, DC_NEIGHBOURS));
  });
});

describe('precision of collapsed samples', () => {
  const gaussian = (n: number, dim: number, seed: number) => {
    const rng = new Rng(seed);
    return features(Float32Array.from({ length: n * dim }, () => normalDraw(rng)), n, dim);
  };
  /** n samples around `centres` rows of `of`, each with noise of `std`. */
  const around = (of: Features, centres: number, n: number, std: number, seed: number) => {
    const rng = new Rng(seed);
    const data = new Float32Array(n * of.dim);
    for (let i = 0; i < n; i++) for (let d = 0; d < of.dim; d++) data[i * of.dim + d] = of.data[(i % centres) * of.dim + d]! + std * normalDraw(rng);
    return features(data, n, of.dim);
  };
  const real = gaussian(300, 16, 1);

  it('are flagged: one point inside one real ball reads precision 1, and the caveat says why', async () => {
    // What an untrained generator gives: near-identical images, one point in feature space.
    const got = await precisionRecallDensityCoverage(real, around(real, 1, 300, 1e-3, 2));
    expect(got.precision).toBe(1);
    expect(got.spread.ballsHit).toBeLessThan(0.02 * 300);
    expect(got.spread.fakeToReal).toBeLessThan(0.01);
    expect(collapsedPrecision(got)).toMatch(/^Precision is not fidelity here: the 300 samples .* inside \d+ of 300 real neighbourhoods \(the samples' spread is < 1 %/);
  });

  it('are flagged at the Evaluate view\'s smallest sample counts too (100 samples)', async () => {
    for (const seed of [5, 6, 7]) {
      const few = gaussian(100, 16, seed);
      const got = await precisionRecallDensityCoverage(few, around(few, 1, 100, 1e-3, seed + 10));
      expect(got.precision).toBe(1);
      expect(collapsedPrecision(got)).toMatch(/^Precision is not fidelity here: the 100 samples .* inside \d+ of 100 real neighbourhoods/);
    }
    // Samples spread like the data, at the same count, are not.
    expect(collapsedPrecision(await precisionRecallDensityCoverage(gaussian(100, 16, 5), gaussian(100, 16, 9)))).toBeNull();
  });

  it('are not flagged for samples spread like the data, nor for a collapse onto many real images (high precision, low recall is the metric working)', async () => {
    const fresh = await precisionRecallDensityCoverage(real, gaussian(300, 16, 3));
    expect(collapsedPrecision(fresh)).toBeNull();
    const modes = await precisionRecallDensityCoverage(real, around(real, 30, 300, 1e-3, 4));
    expect(modes.precision).toBe(1);
    expect(modes.recall).toBeLessThan(0.2);
    expect(collapsedPrecision(modes)).toBeNull();
  });
});
