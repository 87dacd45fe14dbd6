import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import type { TrainConfig } from '../../api/train-config';
import { registerTrainingKernels } from '../backend/kernels';
import { ensureGradientsRegistered } from '../ops/gradients';
import { LoadedGenerator, latentsForSeeds } from '../sampling';
import { trainTinyRun } from '../sampling/testing';
import { tinyConfig } from '../training/testing-config';
import { CompiledGenerator, generateImages } from './compiled-generator';

beforeAll(async () => {
  await ensureGradientsRegistered();
  await tf.setBackend('cpu');
  // As the app does on cpu: the stock filter gradient would make even these tiny runs crawl.
  registerTrainingKernels('cpu');
});

const tiny = (model: Partial<TrainConfig['model']>) => tinyConfig({ steps: 2, checkpointEvery: 2, sampleEvery: 2, model });

async function loaded(config: TrainConfig): Promise<LoadedGenerator> {
  return LoadedGenerator.load((await trainTinyRun(config)).runDir);
}

function maxDiff(a: Float32Array, b: Float32Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

describe('CompiledGenerator', () => {
  it.each([
    // Narrow layers (sub-pixel convolutions only).
    ['a 28-px DCGAN', tiny({})],
    // Wide layers too (phase convolutions), three upsamplings.
    ['a wide 32-px DCGAN', tiny({ resolution: 32, gWidth: 16, dWidth: 4 })],
    ['a conditional DCGAN', tiny({ architecture: 'cdcgan', numClasses: 10, gWidth: 16 })],
  ])('draws what %s draws', async (_name, config) => {
    const g = await loaded(config);
    const z = latentsForSeeds([1, 2, 3, 4, 5], g.zDim);
    const classes = g.numClasses ? [0, 3, 9, 3, 1] : undefined;
    const reference = await g.generate(z, classes);
    const before = tf.memory().numTensors;
    const compiled = await CompiledGenerator.compile(g);
    expect(compiled).not.toBeNull();
    compiled!.dispose();
    expect(tf.memory().numTensors).toBe(before);
    // generateImages compiles (and caches) on first use.
    expect(maxDiff(await generateImages(g, z, classes), reference)).toBeLessThan(1e-4);
    expect(maxDiff(await generateImages(g, z, classes), reference)).toBeLessThan(1e-4);
    g.dispose();
  });

  it.each([
    ['upsample + conv', tiny({ upsample: 'upsample-conv' })],
    ['an MLP', tiny({ architecture: 'mlp', gWidth: 8, dWidth: 8, dNorm: 'none' })],
  ])('leaves %s generators to their own forward pass', async (_name, config) => {
    const g = await loaded(config);
    expect(await CompiledGenerator.compile(g)).toBeNull();
    const z = latentsForSeeds([7, 8], g.zDim);
    expect(await generateImages(g, z)).toEqual(await g.generate(z));
    g.dispose();
  });
});
