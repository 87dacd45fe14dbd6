import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { BACKENDS, onBackend, randomArray4, relError, setUpBackends } from '../backend/kernels/testing';
import {
  batchNormalize,
  downsampleAverage,
  leakyRelu,
  negLogSigmoid,
  sigmoidCrossEntropyWithLogits,
  softplus,
  registerSecondOrderGradients,
  upsampleNearest,
} from './index';

beforeAll(setUpBackends);

/** Values in roughly [−3, 3], shape [2, 4, 4, 3]. */
function x4(): tf.Tensor4D {
  return tf.tidy(() => tf.mul(tf.tensor4d(randomArray4([2, 4, 4, 3], 17)), 6));
}

/** d/dw Σ (∇ₓ Σ 0.7·op(x·w))²: a gradient of a gradient, as in a gradient penalty. */
function secondOrder(op: (x: tf.Tensor) => tf.Tensor): Float32Array {
  return tf.tidy(() => {
    const x = x4();
    const w = tf.tensor1d([1.1, 0.9, -0.7]);
    const g = tf.grad((ww: tf.Tensor) => {
      const gx = tf.grad((xx: tf.Tensor) => tf.sum(tf.mul(op(tf.mul(xx, ww)), 0.7)))(x);
      return tf.sum(tf.square(gx));
    })(w);
    return g.dataSync().slice() as Float32Array;
  });
}

const SECOND_ORDER_SAFE: Record<string, (x: tf.Tensor) => tf.Tensor> = {
  leakyRelu: (x) => leakyRelu(x, 0.2),
  softplus: (x) => softplus(x),
  sigmoidCrossEntropyWithLogits: (x) => sigmoidCrossEntropyWithLogits(x, 0.9),
  negLogSigmoid: (x) => negLogSigmoid(x),
  batchNormalize: (x) => {
    const { mean, variance } = tf.moments(x, [0, 1, 2]);
    return tf.square(batchNormalize(x, mean, variance, tf.fill([3], 0.1), tf.fill([3], 1.5)));
  },
  batchNormalizeRank2: (x) => {
    const flat = tf.reshape(x, [8, 12]);
    const { mean, variance } = tf.moments(flat, [0]);
    return tf.square(batchNormalize(flat, mean, variance));
  },
  upsampleNearest: (x) => tf.square(upsampleNearest(x as tf.Tensor4D, 2)),
  downsampleAverage: (x) => tf.square(downsampleAverage(x as tf.Tensor4D, 2)),
};

describe('second-order gradients', () => {
  it.each(Object.keys(SECOND_ORDER_SAFE))('%s works on wasm and cpu and they agree', (name) => {
    const op = SECOND_ORDER_SAFE[name]!;
    const [wasm, cpu] = BACKENDS.map((b) => onBackend(b, () => secondOrder(op)));
    expect(wasm!.every(Number.isFinite)).toBe(true);
    expect(cpu!.some((v) => v !== 0)).toBe(true);
    expect(relError(wasm!, cpu!)).toBeLessThan(1e-4);
  });
});

describe('registerSecondOrderGradients makes stock tfjs ops twice differentiable', () => {
  it('has run (through ensureGradientsRegistered) and is idempotent', () => {
    expect(tf.getGradient('Greater')).toBeDefined();
    expect(tf.getGradient('AvgPoolGrad')).toBeDefined();
    expect(registerSecondOrderGradients()).toEqual([]);
  });

  const equivalents: [string, (x: tf.Tensor) => tf.Tensor, (x: tf.Tensor) => tf.Tensor][] = [
    ['tf.leakyRelu', (x) => tf.leakyRelu(x, 0.2), (x) => leakyRelu(x, 0.2)],
    ['tf.maximum(x, 0.2x)', (x) => tf.maximum(x, tf.mul(x, 0.2)), (x) => leakyRelu(x, 0.2)],
    ['tf.where(x > 0, x, 0.2x)', (x) => tf.where(tf.greater(x, 0), x, tf.mul(x, 0.2)), (x) => leakyRelu(x, 0.2)],
    // clip(x, −1, 1) = relu(x + 1) − relu(x − 1) − 1
    ['tf.clipByValue', (x) => tf.square(tf.clipByValue(x, -1, 1)), (x) => tf.square(tf.sub(tf.sub(tf.relu(tf.add(x, 1)), tf.relu(tf.sub(x, 1))), 1))],
    ['tf.image.resizeNearestNeighbor', (x) => tf.square(tf.image.resizeNearestNeighbor(x as tf.Tensor4D, [8, 8])), (x) => tf.square(upsampleNearest(x as tf.Tensor4D, 2))],
    ['tf.avgPool', (x) => tf.square(tf.avgPool(x as tf.Tensor4D, 2, 2, 'valid')), (x) => tf.square(downsampleAverage(x as tf.Tensor4D, 2))],
  ];
  it.each(equivalents)('%s matches its plain-op equivalent on wasm and cpu', (_, stock, safe) => {
    for (const backend of BACKENDS) {
      const [a, b] = onBackend(backend, () => [secondOrder(stock), secondOrder(safe)]);
      expect(b!.some((v) => v !== 0)).toBe(true);
      expect(relError(a!, b!)).toBeLessThan(1e-5);
    }
  });
});

describe.each(BACKENDS)('values on %s', (backend) => {
  it('leakyRelu equals tf.leakyRelu, gradient included', () => {
    onBackend(backend, () =>
      tf.tidy(() => {
        const x = x4();
        expect(relError(leakyRelu(x, 0.2).dataSync(), tf.leakyRelu(x, 0.2).dataSync())).toBeLessThan(1e-6);
        const ours = tf.grad((t: tf.Tensor) => tf.sum(tf.square(leakyRelu(t, 0.3))))(x);
        const theirs = tf.grad((t: tf.Tensor) => tf.sum(tf.square(tf.leakyRelu(t, 0.3))))(x);
        expect(relError(ours.dataSync(), theirs.dataSync())).toBeLessThan(1e-6);
      }),
    );
  });

  it('sigmoidCrossEntropyWithLogits is exact and finite for extreme logits', () => {
    onBackend(backend, () =>
      tf.tidy(() => {
        const logits = [-200, -30, -5, -0.5, 0, 0.5, 5, 30, 200];
        const labels = [0, 1, 0.9, 0.1, 0.5, 1, 0, 0.3, 1];
        const loss = sigmoidCrossEntropyWithLogits(tf.tensor1d(logits), tf.tensor1d(labels)).dataSync();
        logits.forEach((x, i) => {
          const z = labels[i]!;
          const expected = Math.max(x, 0) - x * z + Math.log1p(Math.exp(-Math.abs(x)));
          expect(Math.abs(loss[i]! - expected)).toBeLessThan(1e-5 * Math.max(1, Math.abs(expected)));
        });
        // d/dx = σ(x) − z.
        const grad = tf.grad((t: tf.Tensor) => tf.sum(sigmoidCrossEntropyWithLogits(t, tf.tensor1d(labels))))(tf.tensor1d(logits)).dataSync();
        logits.forEach((x, i) => expect(grad[i]!).toBeCloseTo(1 / (1 + Math.exp(-x)) - labels[i]!, 5));
        expect(relError(negLogSigmoid(tf.tensor1d(logits)).dataSync(), sigmoidCrossEntropyWithLogits(tf.tensor1d(logits), 1).dataSync())).toBeLessThan(1e-6);
      }),
    );
  });

  it('batchNormalize equals tf.batchNorm', () => {
    onBackend(backend, () =>
      tf.tidy(() => {
        const x = x4();
        const { mean, variance } = tf.moments(x, [0, 1, 2]);
        const offset = tf.tensor1d([0.1, -0.2, 0.3]);
        const scale = tf.tensor1d([1.5, 0.5, 2]);
        const ours = batchNormalize(x, mean, variance, offset, scale, 1e-3).dataSync();
        expect(relError(ours, tf.batchNorm(x, mean, variance, offset, scale, 1e-3).dataSync())).toBeLessThan(1e-5);
      }),
    );
  });

  it('upsampleNearest equals resizeNearestNeighbor and downsampleAverage equals avgPool', () => {
    onBackend(backend, () =>
      tf.tidy(() => {
        const x = x4();
        for (const f of [2, 3]) {
          const up = upsampleNearest(x, f);
          expect(up.shape).toEqual([2, 4 * f, 4 * f, 3]);
          expect(relError(up.dataSync(), tf.image.resizeNearestNeighbor(x, [4 * f, 4 * f]).dataSync())).toBe(0);
        }
        const down = downsampleAverage(x, 2);
        expect(relError(down.dataSync(), tf.avgPool(x, 2, 2, 'valid').dataSync())).toBeLessThan(1e-6);
        expect(() => downsampleAverage(tf.zeros([1, 5, 4, 1]) as tf.Tensor4D, 2)).toThrow(/multiple/);
      }),
    );
  });
});
