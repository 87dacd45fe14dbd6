/**
 * Data-parallel training computes the step of one trainer: two replicas, each on half of every
 * batch, end with the weights a single trainer reaches on the whole batch (up to the order of float
 * sums), for every model × loss, with augmentation and batch norm; and a fixed replica count is
 * bit-identical run to run.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { registerTrainingKernels } from '../../backend/kernels';
import { ensureGradientsRegistered } from '../../ops/gradients';
import type { TrainConfig } from '../../../api/train-config';
import { loadMnistDemo } from '../../dataset/mnist-demo';
import { memoryBatches } from '../../batches/memory-batches';
import { Trainer, type StepMetrics } from '../trainer';
import { lossCases, modelCases, tinyConfig } from '../testing-config';
import { ReplicaGroup } from './replicas';
import { LeadTrainer, replicaData, replicaTrainers } from './lead';
import type { LabelledImages } from '../../dataset/mnist-demo';
import { rowsOf } from '../../ops/rows';
import { maxRelativeGap, weightsByName } from './testing-compare';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

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
  const weights = await weightsByName(trainer);
  trainer.dispose();
  return { weights, metrics };
}

const cases = modelCases.flatMap((model) =>
  lossCases.map((kind) => {
    const dNorm = kind === 'wgan-gp' && model.dNorm === 'batch' ? 'none' : model.dNorm;
    // An odd batch: the replicas' rows are 3 and 4, so the weighting by share is tested too.
    const config = tinyConfig({ batchSize: 7, model: { ...model, dNorm }, loss: { kind }, nCritic: kind.startsWith('wgan') ? 2 : 1, augment: { flip: true, diffAugment: ['color', 'translation', 'cutout'], adaptive: false } });
    return { name: `${model.architecture}/${dNorm} · ${kind}`, config };
  }),
);

/** The lead and one more replica on the whole batch: the lead's weights and metrics, and the other's weights. */
async function replicated(config: TrainConfig, steps = STEPS): Promise<{ weights: Record<string, Float32Array>; other: Record<string, number[]>; metrics: StepMetrics[]; lead: LeadTrainer }> {
  const { lead: data, replicas } = replicaData(loadMnistDemo(), null);
  const lead = new LeadTrainer(config, memoryBatches(data as LabelledImages, config.model), group, replicas);
  const metrics: StepMetrics[] = [];
  for (let i = 0; i < steps; i++) metrics.push(await lead.trainStep());
  const weights = await weightsByName(lead);
  const other = (await group.weights())[0]!.weights;
  return { weights, other, metrics, lead };
}

describe('data-parallel replicas', () => {
  it('split a batch into even runs of rows', () => {
    expect([0, 1].map((r) => rowsOf(7, r, 2))).toEqual([{ offset: 0, count: 3, total: 7 }, { offset: 3, count: 4, total: 7 }]);
    expect([0, 1, 2].map((r) => rowsOf(64, r, 3).count)).toEqual([21, 21, 22]);
  });

  it.each(cases)('train as one trainer does: $name', async ({ config }) => {
    const expected = await single(config);
    const { weights, other, metrics, lead } = await replicated(config);
    lead.dispose();
    // Every replica holds the same weights, bit for bit.
    for (const [name, values] of Object.entries(weights)) expect(Array.from(values), name).toEqual(other[name]);
    for (const [name, values] of Object.entries(expected.weights)) {
      expect(maxRelativeGap(values, weights[name]!), name).toBeLessThan(2e-4);
    }
    for (let i = 0; i < STEPS; i++) {
      for (const key of ['dLoss', 'gLoss', 'dReal', 'dFake', 'dGradNorm', 'gGradNorm'] as const) {
        expect(metrics[i]![key], `${key} at step ${i + 1}`).toBeCloseTo(expected.metrics[i]![key], 3);
      }
    }
  }, 60_000);

  it('train R1 as one trainer does where D has no batch norm, and on their own rows’ statistics where it has', async () => {
    // Step 1 carries R1 (one step in four), steps 2 and 3 not.
    const spectral = tinyConfig({ batchSize: 7, model: { architecture: 'dcgan', dNorm: 'spectral' }, loss: { kind: 'bce', r1: 1 } });
    const expected = await single(spectral);
    const parallel = await replicated(spectral);
    parallel.lead.dispose();
    for (const [name, values] of Object.entries(expected.weights)) expect(maxRelativeGap(values, parallel.weights[name]!), name).toBeLessThan(2e-4);
    expect(parallel.metrics.map((m) => m.r1Slope === null)).toEqual([false, true, true]);
    expect(parallel.metrics[0]!.r1Slope).toBeCloseTo(expected.metrics[0]!.r1Slope!, 3);
    // With batch norm, each replica's slope is taken over its own rows' statistics (the
    // penalty's forward pass exchanges none): it trains, the replicas stay identical, and the
    // first penalty is near the whole batch's.
    const batch = tinyConfig({ batchSize: 7, model: { architecture: 'dcgan', dNorm: 'batch' }, loss: { kind: 'bce', r1: 1 } });
    const whole = await single(batch);
    const rows = await replicated(batch);
    rows.lead.dispose();
    for (const [name, values] of Object.entries(rows.weights)) expect(Array.from(values), name).toEqual(rows.other[name]);
    for (const m of rows.metrics) for (const v of [m.dLoss, m.gLoss, m.dGradNorm]) expect(Number.isFinite(v)).toBe(true);
    expect(rows.metrics.map((m) => m.r1Slope !== null)).toEqual(whole.metrics.map((m) => m.r1Slope !== null));
    expect(rows.metrics[0]!.dLoss).toBeCloseTo(whole.metrics[0]!.dLoss, 3);
    expect(rows.metrics[0]!.r1Slope! / whole.metrics[0]!.r1Slope!).toBeGreaterThan(0.5);
    expect(rows.metrics[0]!.r1Slope! / whole.metrics[0]!.r1Slope!).toBeLessThan(2);
  }, 120_000);

  it('repeat themselves bit for bit, and keep their tensor count flat', async () => {
    const config = cases[1]!.config;
    const run = async () => {
      const before = tf.memory().numTensors;
      const { weights, lead } = await replicated(config, 2);
      const atTwo = tf.memory().numTensors;
      await lead.trainStep();
      await lead.trainStep();
      const grew = tf.memory().numTensors - atTwo;
      lead.dispose();
      return { weights, grew, left: tf.memory().numTensors - before };
    };
    const a = await run();
    const b = await run();
    expect(b.weights).toEqual(a.weights);
    expect([a.grew, a.left]).toEqual([0, 0]);
  }, 60_000);

  it('take a restored state and a live edit along: a resumed run goes on as the unbroken one', async () => {
    const config = cases[6]!.config;
    const straight = await replicated(config, 4);
    straight.lead.dispose();

    const first = await replicated(config, 2);
    const state = await first.lead.exportState();
    const { lead: data, replicas } = replicaData(loadMnistDemo(), null);
    const resumed = new LeadTrainer(config, memoryBatches(data as LabelledImages, config.model), group, replicas);
    await resumed.importState(state);
    first.lead.dispose();
    const after: StepMetrics[] = [];
    for (let i = 0; i < 2; i++) after.push(await resumed.trainStep());
    // As a single trainer's resume does: the same curve up to float rounding (tfjs' Adam rebuilds
    // βᵗ from the step count on restore, where the unbroken run multiplied it up).
    after.forEach((m, i) => {
      expect(m.dLoss).toBeCloseTo(straight.metrics[i + 2]!.dLoss, 5);
      expect(m.gLoss).toBeCloseTo(straight.metrics[i + 2]!.gLoss, 5);
    });
    // A live edit reaches the other replica before its next step: they stay equal.
    resumed.setLiveParams({ gLr: config.optimizer.gLr * 3 });
    await resumed.trainStep();
    const lead = Object.fromEntries([...resumed.generator.params.variables].map(([name, v]) => [name, Array.from(v.dataSync())]));
    const other = (await group.weights())[0]!.weights;
    for (const [name, values] of Object.entries(lead)) expect(values, name).toEqual(other[name]);
    resumed.dispose();
  }, 60_000);

  it('leave a run they cannot split to a plain trainer: a batch smaller than the replicas', () => {
    const { lead: data, replicas } = replicaData(loadMnistDemo(), null);
    const make = replicaTrainers(group, replicas);
    const small = tinyConfig({ batchSize: 1 });
    const trainer = make(small, memoryBatches(data as LabelledImages, small.model));
    expect(trainer).not.toBeInstanceOf(LeadTrainer);
    trainer.dispose();
    const lead = make(cases[0]!.config, memoryBatches(data as LabelledImages, cases[0]!.config.model));
    expect(lead).toBeInstanceOf(LeadTrainer);
    lead.dispose();
  });

  it('reports the error of a replica that fails, and the group cannot train again', async () => {
    const own = new ReplicaGroup({ size: 2, backend: 'cpu' });
    try {
      // The other replica cannot open the dataset it is told to stream.
      const config = tinyConfig();
      const lead = new LeadTrainer(config, memoryBatches(loadMnistDemo(), config.model), own, { kind: 'stream', datasetDir: join(tmpdir(), 'gan-no-such-dataset') });
      await expect(lead.trainStep()).rejects.toThrow(/^Training replica 1: No imported dataset/);
      lead.dispose();
      expect(own.broken).toBe(true);
    } finally {
      await own.close();
    }
  }, 60_000);
});
