import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { COLUMNS_CAP_FLOATS, discriminatorFlops, generatorFlops, trainingMemory, trainStepFlops } from './cost';
import { tinyConfig } from '../../engine/training/testing-config';
import { preset } from '../../api/training';
import type { TrainConfig } from '../../api/train-config';
import { registerTrainingKernels } from '../../engine/backend/kernels';
import { ensureGradientsRegistered } from '../../engine/ops/gradients';
import { memoryBatches } from '../../engine/batches/memory-batches';
import { standInImages } from '../../engine/model-design/measure';
import { Trainer } from '../../engine/training/trainer';

describe('FLOP counts', () => {
  it('counts a 28-px DCGAN generator layer by layer', () => {
    const model = tinyConfig({ model: { zDim: 8, gWidth: 4 } }).model;
    // dense 8→7·7·16, convT 7×7×16→14×14×8 (k4), convT 14×14×8→28×28×1 (k4)
    expect(generatorFlops(model)).toBe(2 * 8 * 49 * 16 + 2 * 16 * 16 * 8 * 49 + 2 * 16 * 8 * 1 * 196);
  });

  it('counts a 28-px DCGAN critic, including conditional input planes', () => {
    const model = tinyConfig({ model: { architecture: 'cdcgan', numClasses: 10, dWidth: 4 } }).model;
    // conv 28×28×11→14×14×4, conv 14×14×4→7×7×8, dense 7·7·8→1
    expect(discriminatorFlops(model)).toBe(2 * 16 * 11 * 4 * 196 + 2 * 16 * 4 * 8 * 49 + 2 * 49 * 8);
  });

  it('scales a training step with batch, n_critic and the gradient penalty', () => {
    const bce = tinyConfig({ batchSize: 4 });
    expect(trainStepFlops({ ...bce, batchSize: 8 })).toBe(2 * trainStepFlops(bce));
    expect(trainStepFlops(bce, 5)).toBeGreaterThan(trainStepFlops(bce, 1));
    const gp = tinyConfig({ loss: { kind: 'wgan-gp' }, model: { dNorm: 'none' } });
    expect(trainStepFlops(gp, 1)).toBeGreaterThan(trainStepFlops({ ...gp, loss: { ...gp.loss, kind: 'wgan' } }, 1));
    // R1 on one step in four: a quarter of the penalty's forward, input gradient and its gradient on D, per image.
    const r1 = { ...bce, loss: { ...bce.loss, r1: 1 } };
    expect(trainStepFlops(r1) - trainStepFlops(bce)).toBe((bce.batchSize * 9 * discriminatorFlops(bce.model)) / 4);
    expect(trainingMemory(r1).total).toBeGreaterThan(trainingMemory(bce).total);
  });
});

describe('memory estimate against what tfjs really allocates', () => {
  beforeAll(async () => {
    await ensureGradientsRegistered();
    await tf.setBackend('wasm');
    registerTrainingKernels('wasm');
  });

  const dcgan = preset('dcgan');
  const cases: [string, TrainConfig][] = [
    ['MLP preset', preset('mlp')],
    ['DCGAN preset, batch 16', { ...dcgan, batchSize: 16 }],
    ['conditional DCGAN, batch 16', { ...preset('cdcgan'), batchSize: 16 }],
    ['DCGAN with every DiffAugment policy, batch 16', { ...dcgan, batchSize: 16, augment: { flip: true, diffAugment: ['translation', 'color', 'cutout'], adaptive: false } }],
    ['WGAN-GP, batch 8', { ...preset('wgan-gp'), batchSize: 8, nCritic: 1 }],
    ['32 px RGB upsample+conv, spectral, hinge, batch 8', { ...dcgan, batchSize: 8, model: { ...dcgan.model, resolution: 32, channels: 3, upsample: 'upsample-conv', dNorm: 'spectral' }, loss: { ...dcgan.loss, kind: 'hinge' } }],
  ];

  it.each(cases)('%s: the estimate is within ±15 percent of tf.profile’s peak bytes', async (_, config) => {
    const before = tf.memory().numBytes;
    const trainer = new Trainer(config, memoryBatches(standInImages(config), config.model));
    try {
      await trainer.trainStep();
      const { peakBytes } = await tf.profile(async () => {
        await trainer.trainStep();
      });
      // tf.profile sees tensors: the columns on the heap are outside them (and ONNX Runtime is not loaded here).
      const estimate = trainingMemory(config);
      const ratio = (estimate.total - estimate.columns) / (peakBytes - before);
      expect(ratio).toBeGreaterThan(0.85);
      expect(ratio).toBeLessThan(1.15);
    } finally {
      trainer.dispose();
    }
  });

  it('grows with the batch and refuses nothing on its own', () => {
    const small = trainingMemory({ ...dcgan, batchSize: 16 });
    const big = trainingMemory({ ...dcgan, batchSize: 256 });
    expect(big.transient).toBeGreaterThan(10 * small.transient);
    expect(big.weights).toBe(small.weights);
    expect(big.total).toBe(big.weights + big.optimizer + big.transient + big.columns);
  });

  it('counts the largest im2col columns per image, up to the cap the kernels chunk at', () => {
    // DCGAN-28: G's 7×7×128 → 14×14×64 transposed convolution, whose backward im2col is 7×7 × 4·4·64.
    expect(trainingMemory({ ...dcgan, batchSize: 1 }).columns).toBe(4 * 7 * 7 * 16 * 64);
    expect(trainingMemory({ ...dcgan, batchSize: 64 }).columns).toBe(64 * 4 * 7 * 7 * 16 * 64);
    const huge = { ...dcgan, batchSize: 512, model: { ...dcgan.model, resolution: 128 as const, gWidth: 128, dWidth: 128 } };
    expect(trainingMemory(huge).columns).toBe(4 * COLUMNS_CAP_FLOATS);
  });
});
