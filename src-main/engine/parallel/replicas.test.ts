/**
 * Data-parallel training computes the step of one trainer: two replicas, each on half of every
 * batch, end with the weights a single trainer reaches on the whole batch (up to the order of float
 * sums), for every model × loss, with augmentation and batch norm; and a fixed replica count is
 * bit-identical run to run.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { registerTrainingKernels } from '../backend/kernels';
import { ensureGradientsRegistered } from '../ops/gradients';
import type { TrainConfig } from '../../api/train-config';
import { loadMnistDemo } from '../dataset/mnist-demo';
import { memoryBatches } from '../batches/memory-batches';
import { Trainer, type StepMetrics } from '../training/trainer';
import { lossCases, modelCases, tinyConfig } from '../training/testing-config';
import { ReplicaGroup } from './replicas';
import { rowsOf } from './shard';

const STEPS = 3;
let group: ReplicaGroup;

beforeAll(async () => {
  await ensureGradientsRegistered();
  await tf.setBackend('cpu');
  registerTrainingKernels('cpu');
  group = new ReplicaGroup({ size: 2, backend: 'cpu' });
});

afterAll(async () => {
  await group?.close();
});

/** One trainer on the whole batch: its weights by name and its metrics. */
async function single(config: TrainConfig): Promise<{ weights: Record<string, Float32Array>; metrics: StepMetrics[] }> {
  const trainer = new Trainer(config, memoryBatches(loadMnistDemo(), config.model));
  const metrics: StepMetrics[] = [];
  for (let i = 0; i < STEPS; i++) metrics.push(await trainer.trainStep());
  const weights: Record<string, Float32Array> = {};
  for (const [name, v] of [...trainer.generator.params.variables, ...trainer.discriminator.params.variables]) weights[name] = (await v.data()) as Float32Array;
  trainer.dispose();
  return { weights, metrics };
}

function maxRelativeGap(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let scale = 0;
  let gap = 0;
  for (let i = 0; i < a.length; i++) {
    scale = Math.max(scale, Math.abs(a[i]!));
    gap = Math.max(gap, Math.abs(a[i]! - b[i]!));
  }
  return gap / Math.max(scale, 1e-6);
}

const cases = modelCases.flatMap((model) =>
  lossCases.map((kind) => {
    const dNorm = kind === 'wgan-gp' && model.dNorm === 'batch' ? 'none' : model.dNorm;
    // An odd batch: the replicas' rows are 3 and 4, so the weighting by share is tested too.
    const config = tinyConfig({ batchSize: 7, model: { ...model, dNorm }, loss: { kind }, nCritic: kind.startsWith('wgan') ? 2 : 1, augment: { flip: true, diffAugment: ['color', 'translation', 'cutout'], adaptive: false } });
    return { name: `${model.architecture}/${dNorm} · ${kind}`, config };
  }),
);

describe('data-parallel replicas', () => {
  it('split a batch into even runs of rows', () => {
    expect([0, 1].map((r) => rowsOf(7, r, 2))).toEqual([{ offset: 0, count: 3, total: 7 }, { offset: 3, count: 4, total: 7 }]);
    expect([0, 1, 2].map((r) => rowsOf(64, r, 3).count)).toEqual([21, 21, 22]);
  });

  it.each(cases)('train as one trainer does: $name', async ({ config }) => {
    const expected = await single(config);
    await group.start(config);
    const metrics = await group.steps(STEPS);
    const replicas = await group.weights();
    // Every replica holds the same weights, bit for bit.
    expect(replicas[1]!.weights).toEqual(replicas[0]!.weights);
    for (const [name, values] of Object.entries(expected.weights)) {
      expect(maxRelativeGap(values, replicas[0]!.weights[name]!), name).toBeLessThan(2e-4);
    }
    for (let i = 0; i < STEPS; i++) {
      for (const key of ['dLoss', 'gLoss', 'dReal', 'dFake', 'dGradNorm', 'gGradNorm'] as const) {
        expect(metrics[i]![key], `${key} at step ${i + 1}`).toBeCloseTo(expected.metrics[i]![key], 3);
      }
    }
  }, 60_000);

  it('repeat themselves bit for bit, and keep their tensor count flat', async () => {
    const config = cases[1]!.config;
    const run = async () => {
      await group.start(config);
      await group.steps(2);
      const before = (await group.weights())[0]!.tensors;
      await group.steps(2);
      const after = await group.weights();
      return { weights: after[0]!.weights, grew: after[0]!.tensors - before };
    };
    const a = await run();
    const b = await run();
    expect(b.weights).toEqual(a.weights);
    expect(a.grew).toBe(0);
  }, 60_000);
});
