import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { ensureGradientsRegistered } from '../ops/gradients';
import { tinyConfig } from '../training/testing-config';
import { GeneratorCache, LoadedGenerator, latentForSeed, latentsForSeeds } from '.';
import { trainTinyRun, type TinyRun } from './testing';
import { checkpointFileName } from '../../project/checkpoint';

let dcgan: TinyRun;
let conditional: TinyRun;

beforeAll(async () => {
  await ensureGradientsRegistered();
  await tf.setBackend('cpu');
  dcgan = await trainTinyRun();
  conditional = await trainTinyRun(tinyConfig({ steps: 2, checkpointEvery: 2, model: { architecture: 'cdcgan', numClasses: 10 } }));
}, 60_000);

describe('latentForSeed', () => {
  it('is a pure function of seed, size and distribution', () => {
    expect(latentForSeed(7, 16)).toEqual(latentForSeed(7, 16));
    expect(latentForSeed(7, 16)).not.toEqual(latentForSeed(8, 16));
    expect(latentsForSeeds([3, 4], 5).subarray(5)).toEqual(latentForSeed(4, 5));
  });

  it('draws N(0, 1) and U(−1, 1)', () => {
    const normal = latentForSeed(1, 20_000);
    const mean = normal.reduce((a, b) => a + b, 0) / normal.length;
    const variance = normal.reduce((a, b) => a + (b - mean) ** 2, 0) / normal.length;
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(Math.abs(variance - 1)).toBeLessThan(0.05);
    const uniform = latentForSeed(1, 20_000, 'uniform');
    expect(Math.min(...uniform)).toBeGreaterThanOrEqual(-1);
    expect(Math.max(...uniform)).toBeLessThan(1);
  });
});

describe('LoadedGenerator', () => {
  it('loads the newest checkpoint and draws the same images for the same latents', async () => {
    const g = await LoadedGenerator.load(dcgan.runDir);
    expect(g.identity).toMatchObject({ runId: dcgan.runId, step: 4, ema: true });
    expect(g.identity.sha256).toMatch(/^[0-9a-f]{64}$/);
    const z = latentsForSeeds([1, 2, 3], g.zDim);
    const a = await g.generate(z);
    expect(a.length).toBe(3 * 28 * 28);
    expect(Math.max(...a)).toBeLessThanOrEqual(1);
    expect(await g.generate(z)).toEqual(a);
    // Row 2 alone gives the same pixels as row 2 in a batch: inference mode, no batch statistics.
    const alone = await g.generate(latentForSeed(2, g.zDim));
    expect(Array.from(alone).map((v) => v.toFixed(5))).toEqual(Array.from(a.subarray(784, 1568)).map((v) => v.toFixed(5)));
    g.dispose();
  });

  it('loads a named older checkpoint and reports its step', async () => {
    const g = await LoadedGenerator.load(dcgan.runDir, checkpointFileName(2));
    expect(g.identity.step).toBe(2);
    g.dispose();
  });

  it('conditions on the class given per row', async () => {
    const g = await LoadedGenerator.load(conditional.runDir);
    const z = latentsForSeeds([5, 5], g.zDim);
    const [a, b] = [await g.generate(z, [0, 0]), await g.generate(z, [0, 9])];
    expect(a.subarray(0, 784)).toEqual(a.subarray(784));
    expect(b.subarray(784)).not.toEqual(a.subarray(784));
    await expect(g.generate(z, [0, 10])).rejects.toThrow(/outside/);
    g.dispose();
  });

  it('explains a run without checkpoints', async () => {
    const empty = await trainTinyRun(tinyConfig({ steps: 1, checkpointEvery: 1 }));
    await rm(join(empty.runDir, 'checkpoints'), { recursive: true });
    await expect(LoadedGenerator.load(empty.runDir)).rejects.toThrow(/no checkpoint yet/);
  });
});

describe('GeneratorCache', () => {
  it('reuses loaded generators, evicts the least recent and never disposes one in use', async () => {
    const before = tf.memory().numTensors;
    const cache = new GeneratorCache(1);
    const files = (await readdir(join(dcgan.runDir, 'checkpoints'))).filter((f) => f.endsWith('.gsc'));
    expect(files.length).toBeGreaterThanOrEqual(2);
    let first: LoadedGenerator | null = null;
    await cache.use(dcgan.runDir, files[0], async (g) => {
      first = g;
      // Loading another evicts this one while it is still in use.
      await cache.use(dcgan.runDir, files[1], (other) => expect(other).not.toBe(g));
      expect((await g.generate(latentForSeed(1, g.zDim))).length).toBe(784);
    });
    await cache.use(dcgan.runDir, files[1], (g) => expect(g).not.toBe(first));
    cache.clear();
    await new Promise((r) => setTimeout(r, 10));
    expect(tf.memory().numTensors).toBe(before);
  });
});
