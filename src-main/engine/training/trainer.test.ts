import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { registerTrainingKernels } from '../backend/kernels';
import { ensureGradientsRegistered } from '../ops/gradients';
import { trainConfigSchema, type TrainConfig } from '../../api/train-config';
import { loadMnistDemo } from '../dataset/mnist-demo';
import { memoryBatches } from '../batches/memory-batches';
import { Trainer } from './trainer';
import { realGradientPenalty } from '../losses/losses';
import { type BatchSource } from '../batches/types';
import { tinyConfig, lossCases, modelCases } from './testing-config';
import { expectNoTensorLeak, restoreFrom } from './testing-state';

const digits = loadMnistDemo();
/** Real MNIST batches in the shape the config's model wants. */
const batchesFor = (config: TrainConfig): BatchSource => memoryBatches(digits, config.model);

const models = modelCases;
const losses = lossCases;

const matrix: { backend: 'cpu' | 'wasm'; config: TrainConfig; name: string }[] = [];
for (const backend of ['cpu', 'wasm'] as const) {
  for (const model of models) {
    for (const kind of losses) {
      const dNorm = kind === 'wgan-gp' && model.dNorm === 'batch' ? 'none' : model.dNorm;
      const config = tinyConfig({ model: { ...model, dNorm }, loss: { kind }, nCritic: kind.startsWith('wgan') ? 2 : 1 });
      matrix.push({ backend, config, name: `${backend} · ${model.architecture}/${dNorm} · ${kind}` });
    }
  }
}

beforeAll(async () => {
  await ensureGradientsRegistered();
  for (const backend of ['cpu', 'wasm'] as const) {
    await tf.setBackend(backend);
    registerTrainingKernels(backend);
  }
});

describe('every model × loss trains on every CPU backend', () => {
  it.each(matrix)('$name', async ({ backend, config }) => {
    await tf.setBackend(backend);
    expect(trainConfigSchema.safeParse(config).success).toBe(true);
    const trainer = new Trainer(config, batchesFor(config));
    try {
      const first = await trainer.trainStep();
      const second = await trainer.trainStep();
      for (const m of [first, second]) {
        for (const value of [m.dLoss, m.gLoss, m.dReal, m.dFake, m.gGradNorm, m.dGradNorm]) expect(Number.isFinite(value)).toBe(true);
        expect(m.gGradNorm).toBeGreaterThan(0);
        expect(m.dGradNorm).toBeGreaterThan(0);
      }
      expect(second.step).toBe(2);
      if (config.loss.kind === 'wgan-gp') expect(second.gradientPenalty).toBeGreaterThanOrEqual(0);
      else expect(second.gradientPenalty).toBeNull();
      expect(second.r1Slope).toBeNull();
      if (config.loss.kind === 'wgan') {
        const clip = config.loss.clip;
        for (const v of trainer.discriminator.params.trainable()) expect(tf.max(tf.abs(v)).dataSync()[0]).toBeLessThanOrEqual(clip + 1e-7);
      }
    } finally {
      trainer.dispose();
    }
  });
});

describe('trainer hygiene', () => {
  afterAll(async () => {
    await tf.setBackend('cpu');
  });

  it.each([
    ['wgan-gp', 'spectral', 'dcgan', 0],
    ['wgan-gp', 'none', 'dcgan', 0],
    ['bce', 'batch', 'dcgan', 0],
    ['hinge', 'spectral', 'cdcgan', 0],
    ['bce', 'batch', 'dcgan', 1],
  ] as const)('leaks no tensors across steps (%s, %s norm, %s, R1 γ %s)', async (kind, dNorm, architecture, r1) => {
    await tf.setBackend('wasm');
    const numClasses = architecture === 'cdcgan' ? 10 : 0;
    const config = tinyConfig({ loss: { kind, r1 }, model: { dNorm, architecture, numClasses } });
    await expectNoTensorLeak(() => new Trainer(config, batchesFor(config)), 5);
  });

  it('is deterministic for a config, seed and backend', async () => {
    await tf.setBackend('cpu');
    const run = async () => {
      const config = tinyConfig({ model: { dNorm: 'none' } });
      const trainer = new Trainer(config, batchesFor(config));
      const metrics = [await trainer.trainStep(), await trainer.trainStep()].map((m) => [m.dLoss, m.gLoss]);
      trainer.dispose();
      return metrics;
    };
    expect(await run()).toEqual(await run());
  });
});

describe('R1', () => {
  it.each(['cpu', 'wasm'] as const)('penalises D’s slope at the real images one step in four, charted apart from D’s loss (%s)', async (backend) => {
    await tf.setBackend(backend);
    const steps = async (r1: number, architecture: 'dcgan' | 'cdcgan', nCritic = 1) => {
      const config = tinyConfig({ loss: { kind: 'bce', r1 }, nCritic, model: { architecture, numClasses: architecture === 'cdcgan' ? 10 : 0 } });
      const trainer = new Trainer(config, batchesFor(config));
      try {
        const out = [];
        for (let i = 0; i < 6; i++) out.push(await trainer.trainStep());
        return out;
      } finally {
        trainer.dispose();
      }
    };
    for (const architecture of ['dcgan', 'cdcgan'] as const) {
      const [plain, with1, with10] = [await steps(0, architecture), await steps(1, architecture), await steps(10, architecture)];
      // Steps 1 and 5 carry it (the trainer's step 0 and 4), the others not.
      expect(with1.map((m) => m.r1Slope !== null)).toEqual([true, false, false, false, true, false]);
      for (const m of [with1[0]!, with1[4]!]) expect(m.r1Slope).toBeGreaterThan(0);
      expect(plain.every((m) => m.r1Slope === null)).toBe(true);
      // R1's slope is its own metric: the Wasserstein losses' penalty stays empty.
      expect(with1.every((m) => m.gradientPenalty === null)).toBe(true);
      // The first step starts from the same weights and data: the same D loss (without the
      // penalty) and the same slope, whatever γ; γ then changes what D learns.
      expect(with1[0]!.dLoss).toBeCloseTo(plain[0]!.dLoss, 5);
      expect(with10[0]!.r1Slope).toBeCloseTo(with1[0]!.r1Slope!, 5);
      expect(with1[1]!.dLoss).not.toBeCloseTo(plain[1]!.dLoss, 5);
      expect(with10[1]!.dLoss).not.toBeCloseTo(with1[1]!.dLoss, 5);
      for (const m of with10) for (const v of [m.dLoss, m.gLoss, m.dGradNorm]) expect(Number.isFinite(v)).toBe(true);
    }
    // Two critic updates per step: the same steps carry it (each of their updates does).
    const twice = await steps(1, 'dcgan', 2);
    expect(twice.map((m) => m.r1Slope !== null)).toEqual([true, false, false, false, true, false]);
    for (const m of twice) for (const v of [m.dLoss, m.gLoss, m.dGradNorm]) expect(Number.isFinite(v)).toBe(true);
  });

  it('is E‖∇ₓD(x)‖² over the batch: ‖w‖² for a linear D, 4‖x‖² for D(x) = ‖x‖²', () => {
    tf.tidy(() => {
      const x = tf.tensor2d([[1, 2], [3, -1], [0, 0.5]]);
      const w = tf.tensor1d([0.5, -2]);
      expect(realGradientPenalty((v) => tf.sum(tf.mul(v, w), 1), x).dataSync()[0]).toBeCloseTo(0.25 + 4, 5);
      // ∇‖x‖² = 2x: the mean of 4‖x‖² over the rows (5, 10, 0.25).
      expect(realGradientPenalty((v) => tf.sum(tf.square(v), 1), x).dataSync()[0]).toBeCloseTo((4 * (5 + 10 + 0.25)) / 3, 5);
    });
  });
});

describe('exact resume', () => {
  it('continues the same curve from an exported state (cpu)', async () => {
    await tf.setBackend('cpu');
    const config = tinyConfig({ model: { architecture: 'mlp', dNorm: 'none' }, loss: { kind: 'bce' } });
    const straight = new Trainer(config, batchesFor(config));
    const expected: number[][] = [];
    for (let i = 0; i < 4; i++) {
      const m = await straight.trainStep();
      if (i >= 2) expected.push([m.dLoss, m.gLoss]);
    }
    straight.dispose();

    const first = new Trainer(config, batchesFor(config));
    await first.trainStep();
    await first.trainStep();
    const resumed = new Trainer(config, batchesFor(config));
    // What a checkpoint does: copy the values out, then restore them into a brand-new trainer.
    await restoreFrom(first, resumed);
    first.dispose();
    const actual: number[][] = [];
    for (let i = 0; i < 2; i++) {
      const m = await resumed.trainStep();
      actual.push([m.dLoss, m.gLoss]);
    }
    expect(resumed.step).toBe(4);
    // The count of real images drawn (for epochs) resumes too.
    expect(resumed.realImages).toBe(4 * config.nCritic * config.batchSize);
    resumed.dispose();
    for (let i = 0; i < 2; i++) {
      expect(actual[i]![0]).toBeCloseTo(expected[i]![0]!, 5);
      expect(actual[i]![1]).toBeCloseTo(expected[i]![1]!, 5);
    }
  });

  it('applies live learning-rate and n_critic changes from the next step', async () => {
    await tf.setBackend('cpu');
    const config = tinyConfig({ model: { architecture: 'mlp', dNorm: 'none' } });
    const plain = new Trainer(config, batchesFor(config));
    const edited = new Trainer(config, batchesFor(config));
    expect(edited.setLiveParams({ dLr: 0, nCritic: 3 })).toMatchObject({ dLr: 0, nCritic: 3, gLr: 2e-4 });
    const dBefore = edited.discriminator.params.trainable().map((v) => v.dataSync().slice());
    await plain.trainStep();
    await edited.trainStep();
    // Three critic updates draw more batches and noise than one…
    expect(edited.rng.state).not.toBe(plain.rng.state);
    // …and with a learning rate of 0 the critic does not move.
    edited.discriminator.params.trainable().forEach((v, i) => expect(v.dataSync()).toEqual(dBefore[i]));
    plain.dispose();
    edited.dispose();
  });

  it('decays the learning rates over the run’s last steps, and a resumed run follows the same schedule', async () => {
    await tf.setBackend('cpu');
    const config = tinyConfig({ model: { architecture: 'mlp', dNorm: 'none' }, steps: 4, optimizer: { ...tinyConfig().optimizer, lrDecay: 0.5 } });
    const straight = new Trainer(config, batchesFor(config));
    const rates: number[] = [];
    for (let i = 0; i < config.steps; i++) {
      rates.push(straight.learningRates().gLr);
      await straight.trainStep();
    }
    expect(rates).toEqual([2e-4, 2e-4, 2e-4, 1e-4]);
    const finalWeights = straight.generator.params.trainable().map((v) => Array.from(v.dataSync()));
    straight.dispose();

    // Resumed after 3 steps, its last update uses the decayed rate: the weights match the unbroken
    // run's (and would not, had it taken the full rate).
    const first = new Trainer(config, batchesFor(config));
    for (let i = 0; i < 3; i++) await first.trainStep();
    const resumed = new Trainer(config, batchesFor(config));
    await restoreFrom(first, resumed);
    first.dispose();
    expect(resumed.learningRates()).toEqual({ gLr: 1e-4, dLr: 1e-4 });
    await resumed.trainStep();
    resumed.generator.params.trainable().forEach((v, i) => {
      const expected = finalWeights[i]!;
      v.dataSync().forEach((x, j) => expect(x).toBeCloseTo(expected[j]!, 6));
    });
    resumed.dispose();
  });

  // The size of the last of 4 updates: 3 at full rate, then the 4th, decayed or not, with or without
  // a live edit just before it. Adam's and RMSProp's steps are both proportional to the rate.
  it.each(['adam', 'rmsprop'] as const)('makes a decayed %s update the schedule’s share of a full-rate one, scaling live edits', async (kind) => {
    await tf.setBackend('cpu');
    const lastStepChange = async (lrDecay: number, liveScale = 1) => {
      const config = tinyConfig({ model: { architecture: 'mlp', dNorm: 'none' }, steps: 4, optimizer: { ...tinyConfig().optimizer, kind, lrDecay } });
      const trainer = new Trainer(config, batchesFor(config));
      for (let i = 0; i < 3; i++) await trainer.trainStep();
      if (liveScale !== 1) trainer.setLiveParams({ gLr: config.optimizer.gLr * liveScale, dLr: config.optimizer.dLr * liveScale });
      const weights = () => trainer.generator.params.trainable().map((v) => Array.from(v.dataSync()));
      const before = weights();
      await trainer.trainStep();
      const after = weights();
      trainer.dispose();
      return { before, change: after.reduce((sum, w, i) => sum + w.reduce((s, x, j) => s + Math.abs(x - before[i]![j]!), 0), 0) };
    };
    const full = await lastStepChange(0);
    const decayed = await lastStepChange(0.5);
    const decayedDoubled = await lastStepChange(0.5, 2);
    // The first three updates are at full rate in every run…
    decayed.before.forEach((w, i) => expect(w).toEqual(full.before[i]));
    // …the last one at half of it (4 steps, the last half decaying: factor 1/2). Not exactly half:
    // D's update just before it was halved too, so G's gradient differs a little…
    expect(decayed.change / full.change).toBeCloseTo(0.5, 2);
    // …and a live edit that doubles the rates is decayed too: back to the full step.
    expect(decayedDoubled.change / full.change).toBeCloseTo(1, 2);
  });
});
