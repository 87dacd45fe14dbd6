import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import sharp from 'sharp';
import { exploreEngineRequests } from '../protocol/explore';
import type { EngineContext } from '../capability';
import { GeneratorCache, latentForSeed, LoadedGenerator } from '../sampling';
import { trainTinyRunOnCpu, type TinyRun } from '../sampling/testing';
import { tinyConfig } from '../training/testing-config';
import { exploreHandlers } from './handlers';
import { project } from './projection';

let dcgan: TinyRun;
let conditional: TinyRun;
const generators = new GeneratorCache(4);
const handlers = exploreHandlers({ generators, emit: () => undefined } as unknown as EngineContext);

beforeAll(async () => {
  dcgan = await trainTinyRunOnCpu();
  conditional = await trainTinyRunOnCpu(tinyConfig({ steps: 2, checkpointEvery: 2, model: { architecture: 'cdcgan', numClasses: 10 } }));
}, 120_000);
afterAll(() => generators.clear());

const rms = (a: Float32Array, b: Float32Array) => Math.sqrt(a.reduce((s, v, i) => s + (v - b[i]!) ** 2, 0) / a.length) / 2;

describe('projection', () => {
  it('finds a latent that redraws a generated image far better than the starts did, with no tensor left behind', async () => {
    // A small generator with a strong response to z: tanh(z·W) as a 6×6 image (W fixed, seeded).
    const zDim = 8;
    const w = tf.randomNormal([zDim, 36], 0, 0.5, 'float32', 3) as tf.Tensor2D;
    const g = {
      zDim,
      numClasses: 0,
      imageShape: [6, 6, 1] as [number, number, number],
      config: { model: { zDistribution: 'normal' } },
      forward: (z: tf.Tensor2D) => tf.reshape(tf.tanh(tf.matMul(z, w)), [-1, 6, 6, 1]) as tf.Tensor4D,
      generate: async (z: Float32Array) => tf.tidy(() => tf.tanh(tf.matMul(tf.tensor2d(z, [z.length / zDim, zDim]), w))).data() as Promise<Float32Array>,
    } as unknown as LoadedGenerator;
    try {
      // A target the generator can draw exactly: seed 777's image. The starts are seeds 0–3.
      const target = await g.generate(latentForSeed(777, zDim));
      const start = await g.generate(latentForSeed(0, zDim));
      const before = tf.memory().numTensors;
      const progress: number[] = [];
      const found = await project(g, target, null, { steps: 150, starts: 4, featureWeight: 0, onProgress: (p) => void progress.push(p.error) });
      expect(tf.memory().numTensors).toBe(before);
      expect(progress).toHaveLength(15);
      expect(progress.at(-1)!).toBeLessThan(progress[0]!);
      expect(found.error).toBeLessThan(rms(start, target) / 10);
      // The returned latent draws the returned image, and its error is that image's.
      const redrawn = await g.generate(found.z);
      expect(rms(redrawn, found.image)).toBeLessThan(1e-5);
      expect(found.error).toBeCloseTo(rms(redrawn, target), 5);
      expect([0, 1, 2, 3]).toContain(found.seed);
      expect(found.class).toBeNull();
    } finally {
      w.dispose();
    }
  });

  it('searches every class of a conditional model and finds the target’s', async () => {
    const g = await LoadedGenerator.load(conditional.runDir);
    try {
      const target = await g.generate(latentForSeed(5, g.zDim), [7]);
      const found = await project(g, target, null, { steps: 30, starts: 1, featureWeight: 0, seedBase: 5 });
      // Start seed 5 in class 7 is the target itself: nothing beats an exact match.
      expect(found.class).toBe(7);
      expect(found.error).toBeLessThan(0.01);
    } finally {
      g.dispose();
    }
  }, 60_000);
  it('leaves no tensor behind when it fails during setup', async () => {
    const g = await LoadedGenerator.load(dcgan.runDir);
    try {
      const target = await g.generate(latentForSeed(1, g.zDim));
      const before = tf.memory().numTensors;
      const broken = { features: () => { throw new Error('stale classifier'); } };
      await expect(project(g, target, broken, { steps: 5, starts: 2, featureWeight: 1 })).rejects.toThrow('stale classifier');
      expect(tf.memory().numTensors).toBe(before);
    } finally {
      g.dispose();
    }
  });

  it('keeps a many-class search to MAX_CANDIDATES latents, most likely classes first', async () => {
    const g = await LoadedGenerator.load(conditional.runDir);
    try {
      const target = await g.generate(latentForSeed(5, g.zDim), [7]);
      // 16 starts × 10 classes would be 160: 12 per class fit, and the given order puts class 7 in the search.
      const found = await project(g, target, null, { steps: 10, starts: 16, featureWeight: 0, seedBase: 5, classOrder: [7, 0, 1, 2, 3, 4, 5, 6, 8, 9] });
      expect(found.class).toBe(7);
      expect(found.seed).toBeGreaterThanOrEqual(5);
      expect(found.seed).toBeLessThan(5 + 12);
    } finally {
      g.dispose();
    }
  }, 60_000);
});

describe('explore.project', () => {
  const request = (input: Record<string, unknown>) => handlers['explore.project'](exploreEngineRequests['explore.project'].input.parse(input));

  it('projects a dropped image file, and names the file when it is not an image', async () => {
    const png = await sharp({ create: { width: 40, height: 30, channels: 3, background: '#808080' } }).png().toBuffer();
    const result = await request({ runDir: dcgan.runDir, projectDir: dcgan.runsDir, source: { kind: 'file', name: 'grey.png', base64: png.toString('base64') }, steps: 10, starts: 1, featureWeight: 0 });
    expect(result.target).toBe('grey.png');
    expect(result.nearestError).toBeNull();
    expect(result.featureError).toBeNull();
    await expect(request({ runDir: dcgan.runDir, projectDir: dcgan.runsDir, source: { kind: 'file', name: 'notes.txt', base64: Buffer.from('hello').toString('base64') }, steps: 10, starts: 1, featureWeight: 0 })).rejects.toThrow(
      /notes\.txt could not be read as an image/,
    );
    await expect(request({ runDir: dcgan.runDir, projectDir: dcgan.runsDir, source: { kind: 'dataset', row: 10_000_000 }, steps: 10, starts: 1, featureWeight: 0 })).rejects.toThrow(/There is no training image 10,000,001: the dataset has 10,000 \(pick 1 to 10,000\)/);
  }, 60_000);
});
