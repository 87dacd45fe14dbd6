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
const everything = { flip: true, diffAugment: ['translation', 'color', 'cutout'] } as const;
const augmented = (overrides: Parameters<typeof tinyConfig>[0] = {}): TrainConfig =>
  tinyConfig({ ...overrides, augment: { flip: everything.flip, diffAugment: [...everything.diffAugment] } });
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
