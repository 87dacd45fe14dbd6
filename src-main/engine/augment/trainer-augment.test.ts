/** Augmentation inside real training steps: every model × loss, leaks, determinism, exact resume. */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { registerTrainingKernels } from '../backend/kernels';
import { ensureGradientsRegistered } from '../ops/gradients';
import type { TrainConfig } from '../../api/train-config';
import { loadMnistDemo } from '../dataset/mnist-demo';
import { memoryBatches } from '../batches/memory-batches';
import { Trainer } from '../training/trainer';
import { tinyConfig, lossCases, modelCases } from '../training/testing-config';
import { expectNoTensorLeak, restoreFrom } from '../training/testing-state';

const digits = loadMnistDemo();
const everything = { flip: true, diffAugment: ['translation', 'color', 'cutout'], adaptive: false } as const;
const augmented = (overrides: Parameters<typeof tinyConfig>[0] = {}): TrainConfig =>
  tinyConfig({ ...overrides, augment: { flip: everything.flip, diffAugment: [...everything.diffAugment], adaptive: false } });
const trainerFor = (config: TrainConfig) => new Trainer(config, memoryBatches(digits, config.model));

beforeAll(async () => {
  await ensureGradientsRegistered();
  for (const backend of ['cpu', 'wasm'] as const) {
    await tf.setBackend(backend);
    registerTrainingKernels(backend);
  }
});

const models = modelCases;
const losses = lossCases;
const matrix = (['wasm', 'cpu'] as const).flatMap((backend) =>
  models.flatMap((model) =>
    losses.map((kind) => {
      const dNorm = kind === 'wgan-gp' && model.dNorm === 'batch' ? 'none' : model.dNorm;
      const config = augmented({ model: { ...model, dNorm }, loss: { kind }, nCritic: kind.startsWith('wgan') ? 2 : 1 });
      return { backend, config, name: `${backend} · ${model.architecture}/${dNorm} · ${kind}` };
    }),
  ),
);

describe('every model × loss trains with flips and full DiffAugment', () => {
  it.each(matrix)('$name', async ({ backend, config }) => {
    await tf.setBackend(backend);
    const trainer = trainerFor(config);
    try {
      for (let i = 0; i < 2; i++) {
        const m = await trainer.trainStep();
        for (const value of [m.dLoss, m.gLoss, m.dReal, m.dFake]) expect(Number.isFinite(value)).toBe(true);
        // G's gradient reaches it through the augmentation of its samples.
        expect(m.gGradNorm).toBeGreaterThan(0);
        expect(Number.isFinite(m.gGradNorm)).toBe(true);
        expect(m.dGradNorm).toBeGreaterThan(0);
        if (config.loss.kind === 'wgan-gp') expect(m.gradientPenalty).toBeGreaterThanOrEqual(0);
      }
    } finally {
      trainer.dispose();
    }
  });
});

describe('training with augmentation', () => {
  it.each(['bce', 'wgan-gp'] as const)('keeps the tensor count flat across steps (%s, wasm)', async (kind) => {
    await tf.setBackend('wasm');
    await expectNoTensorLeak(() => trainerFor(augmented({ loss: { kind }, model: { dNorm: 'none' } })), 4);
  });

  it('changes what the critic sees: the losses differ from an unaugmented run of the same seed', async () => {
    await tf.setBackend('cpu');
    const losses = async (config: TrainConfig) => {
      const trainer = trainerFor(config);
      const m = await trainer.trainStep();
      trainer.dispose();
      return [m.dLoss, m.gLoss];
    };
    const plain = tinyConfig({ model: { dNorm: 'none' } });
    expect(await losses(augmented({ model: { dNorm: 'none' } }))).not.toEqual(await losses(plain));
  });

  it('is deterministic and resumes exactly (cpu)', async () => {
    await tf.setBackend('cpu');
    const config = augmented({ model: { dNorm: 'none' }, loss: { kind: 'hinge' } });
    const straight = trainerFor(config);
    const expected: number[][] = [];
    for (let i = 0; i < 4; i++) {
      const m = await straight.trainStep();
      expected.push([m.dLoss, m.gLoss]);
    }
    straight.dispose();

    const first = trainerFor(config);
    const head = [await first.trainStep(), await first.trainStep()].map((m) => [m.dLoss, m.gLoss]);
    expect(head).toEqual(expected.slice(0, 2));
    const resumed = trainerFor(config);
    // What a checkpoint does: copy the values out, then restore them into a brand-new trainer.
    await restoreFrom(first, resumed);
    first.dispose();
    for (let i = 2; i < 4; i++) {
      const m = await resumed.trainStep();
      expect(m.dLoss).toBeCloseTo(expected[i]![0]!, 5);
      expect(m.gLoss).toBeCloseTo(expected[i]![1]!, 5);
    }
    resumed.dispose();
  });
});

describe('training with adaptive augmentation strength', () => {
  const adaptive = (overrides: Parameters<typeof tinyConfig>[0] = {}) =>
    tinyConfig({ batchSize: 8, ...overrides, augment: { flip: true, diffAugment: ['translation', 'color'], adaptive: true } });

  it('logs r_t and p, moves p after the first interval, and resumes the controller exactly (cpu)', async () => {
    await tf.setBackend('cpu');
    const config = adaptive({ model: { dNorm: 'none' } });
    const run = async (trainer: Trainer, steps: number) => {
      const out: number[][] = [];
      for (let i = 0; i < steps; i++) {
        const m = await trainer.trainStep();
        out.push([m.dLoss, m.gLoss, m.realSign!, m.augmentStrength!]);
      }
      return out;
    };
    const straight = trainerFor(config);
    const expected = await run(straight, 10);
    straight.dispose();
    for (const [, , realSign, strength] of expected) {
      expect(realSign).toBeGreaterThanOrEqual(-1);
      expect(realSign).toBeLessThanOrEqual(1);
      expect(strength).toBeGreaterThanOrEqual(0);
    }
    expect(expected.slice(0, 4).map((m) => m[3])).toEqual([0, 0, 0, 0]);
    // After four steps p moved by 4 · 8 images / ADA_SPEED_IMAGES, up or (clamped at 0) not at all.
    expect([0, 32 / 100_000]).toContainEqual(expected[4]![3]);

    // This seed's D scores enough reals as real in steps 5–8 for p to rise after step 8, so a
    // resume after step 6 that lost the interval's running sum would adapt later.
    expect(expected[9]![3]).toBeGreaterThan(0);
    // Stop in the middle of an interval (after 6 steps) and resume into a new trainer.
    const first = trainerFor(config);
    expect(await run(first, 6)).toEqual(expected.slice(0, 6));
    const resumed = trainerFor(config);
    await restoreFrom(first, resumed);
    first.dispose();
    const tail = await run(resumed, 4);
    resumed.dispose();
    tail.forEach((m, i) => {
      expect(m[0]).toBeCloseTo(expected[6 + i]![0]!, 5);
      expect(m[3]).toBe(expected[6 + i]![3]);
    });
  });

  it('augments neither reals nor fakes at p = 0: the first interval trains the same with any policy', async () => {
    await tf.setBackend('cpu');
    const losses = async (diffAugment: ('color' | 'translation')[]) => {
      const config = tinyConfig({ batchSize: 8, model: { dNorm: 'none' }, augment: { flip: false, diffAugment, adaptive: true } });
      const trainer = trainerFor(config);
      const out: number[] = [];
      // p stays 0 until the first adjustment, after step ADA_INTERVAL (4).
      for (let i = 0; i < 4; i++) {
        const m = await trainer.trainStep();
        out.push(m.dLoss, m.gLoss);
      }
      trainer.dispose();
      return out;
    };
    expect(await losses(['color'])).toEqual(await losses(['translation']));
  });

  it('gives a fixed-strength run no p and a Wasserstein run no r_t', async () => {
    await tf.setBackend('cpu');
    const fixed = trainerFor(augmented({ model: { dNorm: 'none' } }));
    const m = await fixed.trainStep();
    fixed.dispose();
    expect(m.augmentStrength).toBeNull();
    expect(m.realSign).not.toBeNull();
    const wgan = trainerFor(tinyConfig({ model: { dNorm: 'none' }, loss: { kind: 'wgan-gp' } }));
    expect((await wgan.trainStep()).realSign).toBeNull();
    wgan.dispose();
  });

  it('keeps the tensor count flat (wasm)', async () => {
    await tf.setBackend('wasm');
    await expectNoTensorLeak(() => trainerFor(adaptive()), 5);
  });
});
