/**
 * What the dashboard and the coach read as D(x) and D(G(z)). An LSGAN discriminator regresses its
 * raw output to 1 (real) and 0 (fake): one that wins outright must read near 1 and 0, as the coach's
 * "discriminator is winning" needs. (σ of the output, reported before, put it at 0.73 and 0.5, so
 * the coach never said so: seen in a walkthrough where LSGAN's D had won by step 150.)
 */
import { beforeAll, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { ensureGradientsRegistered } from '../ops/gradients';
import { loadMnistDemo } from '../dataset/mnist-demo';
import { memoryBatches } from '../batches/memory-batches';
import { meanScore } from '../losses/losses';
import { Coach } from './coach';
import { Trainer } from './trainer';
import { tinyConfig } from './testing-config';

beforeAll(async () => {
  await ensureGradientsRegistered();
  await tf.setBackend('cpu');
});

it('meanScore: σ for BCE, the output itself for LSGAN', () => {
  const logits = tf.tensor1d([0, 1, 2]);
  expect(meanScore(logits, 'bce').dataSync()[0]).toBeCloseTo((0.5 + 1 / (1 + Math.exp(-1)) + 1 / (1 + Math.exp(-2))) / 3, 6);
  expect(meanScore(logits, 'lsgan').dataSync()[0]).toBeCloseTo(1, 6);
  logits.dispose();
});

it('an LSGAN discriminator that wins outright reads D(x) ≈ 1 and D(G(z)) ≈ 0, and the coach says it is winning', async () => {
  // The generator frozen (learning rate 0) and a quick D: D learns to tell noise from digits.
  const config = tinyConfig({ model: { architecture: 'mlp', gWidth: 8, dWidth: 32, dNorm: 'none' }, loss: { kind: 'lsgan' }, batchSize: 16, steps: 1000, optimizer: { ...tinyConfig().optimizer, gLr: 0, dLr: 0.01 } });
  const trainer = new Trainer(config, memoryBatches(loadMnistDemo(), config.model));
  const coach = new Coach('lsgan', 10);
  const warnings: string[] = [];
  let last = { dReal: 0, dFake: 1 };
  try {
    for (let step = 1; step <= 160; step++) {
      const m = await trainer.trainStep();
      last = m;
      warnings.push(...coach.observe({ step: m.step, dLoss: m.dLoss, gLoss: m.gLoss, dReal: m.dReal, dFake: m.dFake, gGradNorm: m.gGradNorm }).map((w) => w.kind));
    }
  } finally {
    trainer.dispose();
  }
  expect(last.dReal).toBeGreaterThan(0.9);
  expect(last.dFake).toBeLessThan(0.1);
  expect(warnings).toContain('discriminator-winning');
}, 60_000);
