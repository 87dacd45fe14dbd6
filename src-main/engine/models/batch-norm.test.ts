/** The written-out batch-norm gradient equals differentiating tf.moments + tf.batchNorm op by op. */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureGradientsRegistered } from '../ops/gradients';
import { makeBatchNorm, trainingBatchNorm } from './layers';
import { ParamStore } from './params';
import { realGradientPenalty } from '../losses/losses';

beforeAll(async () => {
  await ensureGradientsRegistered();
  await tf.setBackend('cpu');
});

const reference = (x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, axes: number[]) => {
  const { mean, variance } = tf.moments(x, axes);
  return tf.batchNorm(x, mean, variance, beta, gamma, 1e-5);
};
const fused = (x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, axes: number[]) => {
  const { mean, variance } = tf.moments(x, axes);
  return trainingBatchNorm(x, mean, variance, gamma, beta, axes, 1e-5);
};

describe('trainingBatchNorm', () => {
  it.each([
    ['NHWC conv activations', [8, 5, 5, 6]],
    ['dense activations', [16, 12]],
  ])('%s: same values and gradients for x, γ and β', (_, shape) => {
    tf.tidy(() => {
      const x = tf.add(tf.mul(tf.randomNormal(shape, 0, 1, 'float32', 7), 3), 1.5);
      const channels = shape.at(-1)!;
      const gamma = tf.randomNormal([channels], 1, 0.3, 'float32', 8);
      const beta = tf.randomNormal([channels], 0, 0.3, 'float32', 9);
      const axes = shape.slice(0, -1).map((_, i) => i);
      // A loss that weighs every output differently, so no gradient term cancels by symmetry.
      const weights = tf.randomNormal(shape, 0, 1, 'float32', 10);
      const lossOf = (f: typeof reference) => (a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(tf.square(f(a, g, b, axes)), weights)) as tf.Scalar;
      const expected = tf.grads(lossOf(reference))([x, gamma, beta]);
      const actual = tf.grads(lossOf(fused))([x, gamma, beta]);
      const close = (a: tf.Tensor, b: tf.Tensor) => {
        const scale = tf.max(tf.abs(b)).dataSync()[0]!;
        return tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]! / scale;
      };
      expect(close(fused(x, gamma, beta, axes), reference(x, gamma, beta, axes))).toBeLessThan(1e-5);
      actual.forEach((g, i) => expect(close(g, expected[i]!), `gradient ${i}`).toBeLessThan(1e-4));
    });
  });

  it('keeps the tensor count flat through a training step', () => {
    const x = tf.randomNormal([4, 3, 3, 2]);
    const gamma = tf.variable(tf.ones([2]));
    const beta = tf.variable(tf.zeros([2]));
    const step = () => tf.tidy(() => Object.values(tf.variableGrads(() => tf.sum(tf.square(fused(x, gamma, beta, [0, 1, 2]))) as tf.Scalar).grads).forEach((g) => g.dataSync()));
    step();
    const before = tf.memory().numTensors;
    step();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('batch norm inside a gradient of a gradient (R1)', () => {
  it('gives the exact second gradient, through the batch statistics, for the weights before and after it', () => {
    tf.tidy(() => {
      const store = new ParamStore(5);
      const norm = makeBatchNorm(store, 'bn', 4);
      const x = tf.randomNormal([6, 5], 0, 1, 'float32', 1);
      const w1 = tf.variable(tf.randomNormal([5, 4], 0, 1, 'float32', 2));
      const w2 = tf.variable(tf.randomNormal([4, 1], 0, 1, 'float32', 3));
      const gamma = store.variables.get('bn/gamma')!;
      const beta = store.variables.get('bn/beta')!;
      const critic = (bn: (h: tf.Tensor) => tf.Tensor) => (v: tf.Tensor) => tf.matMul(tf.leakyRelu(bn(tf.matMul(v as tf.Tensor2D, w1)), 0.2) as tf.Tensor2D, w2);
      const penaltyGrads = (bn: (h: tf.Tensor) => tf.Tensor) => tf.variableGrads(() => realGradientPenalty(critic(bn), x), [w1, gamma, beta, w2]);
      const running = store.variables.get('bn/moving_mean')!.dataSync().slice();
      const actual = penaltyGrads((h) => norm(h, true));
      // tfjs's own op, differentiated twice by tfjs (slow: its gradient tiles, but independent).
      const expected = penaltyGrads((h) => reference(h, gamma, beta, [0]));
      expect(actual.value.dataSync()[0]).toBeCloseTo(expected.value.dataSync()[0]!, 5);
      for (const [name, grad] of Object.entries(expected.grads)) {
        // β's is 0: a shift does not change D's slope.
        const scale = Math.max(tf.max(tf.abs(grad)).dataSync()[0]!, 1e-3);
        expect(tf.max(tf.abs(tf.sub(actual.grads[name]!, grad))).dataSync()[0]! / scale, name).toBeLessThan(1e-4);
      }
      // The written-out first gradient misses the statistics' part for the weights before it.
      const firstOrder = penaltyGrads((h) => fused(h, gamma, beta, [0]));
      const w1Name = w1.name;
      expect(tf.max(tf.abs(tf.sub(firstOrder.grads[w1Name]!, expected.grads[w1Name]!))).dataSync()[0]).toBeGreaterThan(1e-3);
      // Only the critic's own forward pass (depth 1, the fused or written-out form) moves the running averages.
      expect(Array.from(store.variables.get('bn/moving_mean')!.dataSync())).toEqual(Array.from(running));
      norm(tf.matMul(x, w1), true);
      expect(Array.from(store.variables.get('bn/moving_mean')!.dataSync())).not.toEqual(Array.from(running));
      tf.dispose([w1, w2]);
      store.dispose();
    });
  });

  it('runs no tile or per-pixel slices (tf.batchNorm’s gradient does, which made R1’s steps about 5× slower)', async () => {
    const store = new ParamStore(5);
    const norm = makeBatchNorm(store, 'bn', 4);
    const x = tf.randomNormal([8, 6, 6, 3], 0, 1, 'float32', 1);
    const kernel = tf.tidy(() => tf.variable(tf.randomNormal([3, 3, 3, 4], 0, 0.3, 'float32', 2)));
    const before = tf.memory().numTensors;
    const critic = (v: tf.Tensor) => tf.sum(tf.leakyRelu(norm(tf.conv2d(v as tf.Tensor4D, kernel as tf.Tensor4D, 1, 'same'), true), 0.2));
    const profile = await tf.profile(() => {
      const { value, grads } = tf.variableGrads(() => realGradientPenalty(critic, x), [kernel, ...store.trainable()]);
      tf.dispose([value, ...Object.values(grads)]);
    });
    expect(profile.kernelNames).not.toContain('Tile');
    // tf.batchNorm's second gradient runs one Slice per pixel of the batch: 8·6·6 = 288 here.
    expect(profile.kernels.filter((k) => k.name === 'Slice').length).toBeLessThan(4);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, kernel]);
    store.dispose();
  });
});
