import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { Rng } from '../rng';
import { normalDraw } from '../sampling/latents';
import { features } from './features';
import { COPY_QUANTILE, copyCheck, nearestRows } from './memorisation';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const gaussian = (n: number, dim: number, seed: number) => {
  const rng = new Rng(seed);
  return features(Float32Array.from({ length: n * dim }, () => normalDraw(rng)), n, dim);
};

describe('memorisation check', () => {
  const real = gaussian(300, 16, 1);

  it('finds copies: samples that are training images (plus a hair of noise) count, fresh ones mostly do not', async () => {
    const rng = new Rng(2);
    const fresh = gaussian(100, 16, 3);
    const data = new Float32Array(200 * 16);
    for (let i = 0; i < 100; i++) for (let d = 0; d < 16; d++) data[i * 16 + d] = real.data[(i * 3) * 16 + d]! + 1e-4 * normalDraw(rng);
    data.set(fresh.data, 100 * 16);
    const check = await copyCheck(features(data, 200, 16), real);
    // The first 100 are copies of real rows 0, 3, 6…: each finds its source, well inside the threshold.
    expect(check.nearest.slice(0, 100).map((m) => m.row)).toEqual(Array.from({ length: 100 }, (_, i) => i * 3));
    expect(Math.max(...check.nearest.slice(0, 100).map((m) => m.distance))).toBeLessThan(check.threshold / 10);
    // Fresh draws from the same distribution read about what real images do (COPY_QUANTILE).
    const freshRate = check.nearest.slice(100).filter((m) => m.distance < check.threshold).length / 100;
    expect(freshRate).toBeLessThan(0.15);
    expect(check.rate).toBeCloseTo(0.5 + freshRate / 2, 10);
    expect(check.realRate).toBeLessThanOrEqual(COPY_QUANTILE);
    expect(check.realRate).toBeGreaterThan(0.03);
  });

  it('lists a query’s k nearest rows in order, with Euclidean distances', () => {
    const base = Float32Array.from([0, 0, 3, 4, 1, 0, 10, 10]);
    expect(nearestRows([0, 0], base, 4, 2, 3)).toEqual([
      { row: 0, distance: 0 },
      { row: 2, distance: 1 },
      { row: 1, distance: 5 },
    ]);
  });
});
