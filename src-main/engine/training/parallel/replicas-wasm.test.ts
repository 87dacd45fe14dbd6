/**
 * Data-parallel training on the wasm engine the app trains with: the replicas read their gradients
 * straight off tfjs-wasm's heap and keep their exchange buffers from step to step (./shard.ts), so
 * a run is checked here against a single wasm trainer, and against itself run again, where the
 * cpu backend of replicas.test.ts would not reach those paths.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { initRuntime } from '../../runtime';
import type { TrainConfig } from '../../../api/train-config';
import { loadMnistDemo, type LabelledImages } from '../../dataset/mnist-demo';
import { memoryBatches } from '../../batches/memory-batches';
import { Trainer } from '../trainer';
import { tinyConfig } from '../testing-config';
import { ReplicaGroup } from './replicas';
import { LeadTrainer, replicaData } from './lead';
import { maxRelativeGap, weightsByName } from './testing-compare';
import { ortStatus } from '../../backend/ort/ort-runtime';
import { clearOrtGraphs, ortGraphKeys } from '../../backend/ort/ort-kernels';

const STEPS = 3;
let group: ReplicaGroup;

beforeAll(async () => {
  // As the training thread starts a lead: tfjs-wasm on one thread, ONNX Runtime's products on two.
  await initRuntime('wasm', { threads: 1, ortThreads: 2 });
  group = new ReplicaGroup({ size: 2, backend: 'wasm' });
});

afterAll(async () => {
  await group?.close();
});

type Weights = Record<string, Float32Array>;

async function single(config: TrainConfig): Promise<Weights> {
  const trainer = new Trainer(config, memoryBatches(loadMnistDemo(), config.model));
  for (let i = 0; i < STEPS; i++) await trainer.trainStep();
  const weights = await weightsByName(trainer);
  trainer.dispose();
  return weights;
}

async function replicated(config: TrainConfig): Promise<{ weights: Weights; other: Record<string, number[]>; tensors: number[] }> {
  const { lead: data, replicas } = replicaData(loadMnistDemo(), null);
  const lead = new LeadTrainer(config, memoryBatches(data as LabelledImages, config.model), group, replicas);
  const tensors: number[] = [];
  for (let i = 0; i < STEPS; i++) {
    await lead.trainStep();
    tensors.push(tf.memory().numTensors);
  }
  const weights = await weightsByName(lead);
  const other = (await group.weights())[0]!.weights;
  lead.dispose();
  return { weights, other, tensors };
}

describe('data-parallel replicas on wasm', () => {
  it.each([
    ['DCGAN · BCE, flips and DiffAugment', tinyConfig({ batchSize: 7, augment: { flip: true, diffAugment: ['color', 'translation', 'cutout'], adaptive: false } })],
    ['DCGAN · WGAN-GP', tinyConfig({ batchSize: 7, model: { dNorm: 'none' }, loss: { kind: 'wgan-gp' }, nCritic: 2 })],
  ])('train as one wasm trainer does, and the same again: %s', async (_name, config) => {
    const expected = await single(config);
    const first = await replicated(config);
    const again = await replicated(config);
    for (const [name, values] of Object.entries(first.weights)) {
      // Both replicas hold the same weights, bit for bit, and a second run repeats them.
      expect(Array.from(values), name).toEqual(first.other[name]);
      expect(Array.from(values), name).toEqual(Array.from(again.weights[name]!));
      expect(maxRelativeGap(expected[name]!, values), name).toBeLessThan(2e-4);
    }
    // No tensor left behind from step to step.
    expect(new Set(first.tensors).size).toBe(1);
  }, 120_000);

  it('computes the lead step on one thread and its other products on every thread', async () => {
    // ONNX Runtime is what splits products over threads; without it there is nothing to cap.
    if (!ortStatus()?.version) return;
    // Wide enough for products above the one-thread threshold (4M multiply-adds).
    const config = tinyConfig({ batchSize: 8, model: { zDim: 32, gWidth: 32, dWidth: 32 } });
    clearOrtGraphs();
    const { lead: data, replicas } = replicaData(loadMnistDemo(), null);
    const lead = new LeadTrainer(config, memoryBatches(data as LabelledImages, config.model), group, replicas);
    await lead.trainStep();
    const products = (keys: string[]) => keys.filter((k) => k.startsWith('Gemm|'));
    expect(products(ortGraphKeys()).length).toBeGreaterThan(0);
    expect(products(ortGraphKeys()).filter((k) => !k.endsWith('|1'))).toEqual([]);
    // Between steps (a sample grid, an evaluation) a large product takes both threads.
    tf.tidy(() => tf.matMul(tf.ones([256, 256]), tf.ones([256, 256])).dataSync());
    expect(products(ortGraphKeys()).some((k) => k.endsWith('|2'))).toBe(true);
    lead.dispose();
  }, 120_000);
});
