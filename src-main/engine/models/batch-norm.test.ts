/** The written-out batch-norm gradient equals differentiating tf.moments + tf.batchNorm op by op. */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureGradientsRegistered } from '../ops/gradients';
import { trainingBatchNorm } from './layers';

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
