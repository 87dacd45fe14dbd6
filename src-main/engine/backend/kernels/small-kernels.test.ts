/** Tile and the matmul wrappers against tfjs' stock cpu kernels. */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { BACKENDS, dataIdCount, onBackend, relError, setUpBackends, withStockKernels } from './testing';

beforeAll(async () => {
  await setUpBackends();
  tf.env().set('IS_TEST', true);
});

/** Runs `f` on `backend` with our kernels and on cpu with stock kernels; returns both results. */
function compare(backend: string, f: () => tf.Tensor): { actual: tf.TypedArray; expected: tf.TypedArray; shapes: number[][] } {
  const run = (name: string) =>
    onBackend(name, () =>
      tf.tidy(() => {
        const t = f();
        return { values: t.dataSync().slice(), shape: t.shape, dtype: t.dtype };
      }),
    );
  const actual = run(backend);
  const expected = withStockKernels('cpu', () => run('cpu'));
  expect(actual.dtype).toBe(expected.dtype);
  return { actual: actual.values, expected: expected.values, shapes: [actual.shape, expected.shape] };
}

const seq = (shape: number[], dtype: 'float32' | 'int32' | 'bool' = 'float32') => {
  const size = shape.reduce((a, b) => a * b, 1);
  const values = Array.from({ length: size }, (_, i) => (dtype === 'bool' ? i % 3 === 0 : dtype === 'int32' ? i - 7 : Math.sin(i + 1)));
  return tf.tensor(values as number[], shape, dtype);
};

describe.each(BACKENDS)('Tile on %s', (backend) => {
  const cases: [number[], number[], ('float32' | 'int32' | 'bool')?][] = [
    [[1, 1, 1, 5], [3, 4, 2, 1]],
    [[2, 1, 1, 3], [1, 4, 5, 1]],
    [[3, 2], [2, 3]],
    [[7], [3]],
    [[2, 3, 20], [2, 1, 2]],
    [[2, 3, 4, 5], [1, 1, 1, 1]],
    [[2, 1, 3, 1, 2], [1, 2, 1, 3, 2]],
    [[2, 3], [2, 2], 'int32'],
    [[2, 3], [3, 1], 'bool'],
    [[2, 3], [0, 2]],
  ];
  it.each(cases)('x %j reps %j %s', (shape, reps, dtype) => {
    const { actual, expected, shapes } = compare(backend, () => tf.tile(seq(shape, dtype), reps));
    expect(shapes[0]).toEqual(shapes[1]);
    expect(Array.from(actual)).toEqual(Array.from(expected));
  });
});

describe.each(BACKENDS)('matmul with transposed operands on %s', (backend) => {
  const cases: [number[], number[], boolean, boolean][] = [
    [[5, 7], [7, 3], false, false],
    [[7, 5], [7, 3], true, false],
    [[5, 7], [3, 7], false, true],
    [[7, 5], [3, 7], true, true],
    [[2, 7, 5], [2, 7, 3], true, false],
    [[1, 5, 7], [4, 3, 7], false, true],
    [[64, 1], [64, 9], true, false],
    [[3, 1, 5, 7], [2, 7, 6], false, false],
    [[9, 300], [300, 11], false, false],
  ];
  it.each(cases)('BatchMatMul %j × %j tA=%s tB=%s', (a, b, ta, tb) => {
    const { actual, expected, shapes } = compare(backend, () => tf.matMul(seq(a), tf.mul(seq(b), 0.5), ta, tb));
    expect(shapes[0]).toEqual(shapes[1]);
    expect(relError(actual, expected)).toBeLessThan(1e-5);
  });
  it.each(cases.slice(0, 4))('_FusedMatMul with bias and relu %j × %j tA=%s tB=%s', (a, b, ta, tb) => {
    const f = () => {
      const n = tb ? b[b.length - 2]! : b[b.length - 1]!;
      return tf.fused.matMul({ a: seq(a), b: seq(b), transposeA: ta, transposeB: tb, bias: tf.fill([n], 0.1), activation: 'relu' });
    };
    const { actual, expected } = compare(backend, f);
    expect(relError(actual, expected)).toBeLessThan(1e-5);
  });

  it('gradients of a dense layer match and nothing leaks', () => {
    const grads = () => {
      const x = seq([6, 5]);
      const w = seq([5, 4]);
      return tf.concat(
        tf.grads((xx: tf.Tensor, ww: tf.Tensor) => tf.sum(tf.square(tf.matMul(xx as tf.Tensor2D, ww as tf.Tensor2D))))([x, w]).map((g) => tf.reshape(g, [-1])),
      );
    };
    const { actual, expected } = compare(backend, grads);
    expect(relError(actual, expected)).toBeLessThan(1e-5);
    onBackend(backend, () => {
      const a = seq([8, 6]);
      const step = () => tf.dispose(tf.matMul(a, a, true, false));
      step();
      const before = [tf.memory().numTensors, dataIdCount()];
      for (let i = 0; i < 3; i++) step();
      expect([tf.memory().numTensors, dataIdCount()]).toEqual(before);
      a.dispose();
    });
  });
});

describe('cpu broadcasting arithmetic and reductions', () => {
  const pairs: [number[], number[]][] = [
    [[8, 5, 5, 6], [1, 1, 1, 6]],
    [[1, 1, 1, 6], [8, 5, 5, 6]],
    [[8, 5, 5, 6], [6]],
    [[8, 5, 5, 6], []],
    [[], [3, 4]],
    [[3, 4], [3, 4]],
    [[3, 1, 4], [1, 5, 1]],
    [[2, 3, 1, 5], [3, 7, 1]],
    [[0, 3], [3]],
  ];
  const ops: [string, (a: tf.Tensor, b: tf.Tensor) => tf.Tensor][] = [
    ['add', tf.add],
    ['sub', tf.sub],
    ['mul', tf.mul],
    ['div', tf.div],
    ['squaredDifference', tf.squaredDifference],
    ['maximum', tf.maximum],
    ['minimum', tf.minimum],
  ];
  for (const [name, op] of ops) {
    it.each(pairs)(`${name} %j with %j`, (a, b) => {
      const { actual, expected, shapes } = compare('cpu', () => op(seq(a), tf.add(seq(b), 1.5)));
      expect(shapes[0]).toEqual(shapes[1]);
      expect(relError(actual, expected)).toBeLessThan(1e-6);
    });
  }

  it('neg, sum over all axes, and int32 arithmetic (stock kernels)', () => {
    expect(relError(...pair(compare('cpu', () => tf.neg(seq([4, 5])))))).toBe(0);
    expect(relError(...pair(compare('cpu', () => tf.sum(seq([3, 4])))))).toBeLessThan(1e-6);
    const ints = compare('cpu', () => tf.add(seq([2, 3], 'int32'), seq([3], 'int32')));
    expect(Array.from(ints.actual)).toEqual(Array.from(ints.expected));
  });

  const reductions: [number[], number[] | number, boolean][] = [
    [[8, 5, 5, 6], [0, 1, 2], false],
    [[8, 5, 5, 6], [0, 1, 2], true],
    [[8, 5, 5, 6], [1, 2, 3], true],
    [[8, 5, 5, 6], -1, false],
    [[8, 5, 5, 6], [0, 2], false],
    [[4, 7], [0, 1], false],
    [[9], 0, true],
    [[3, 0, 2], [1], false],
  ];
  it.each(reductions)('sum and mean of %j over %j keepDims=%s', (shape, axis, keepDims) => {
    for (const f of [tf.sum, tf.mean]) {
      const { actual, expected, shapes } = compare('cpu', () => f(seq(shape), axis, keepDims));
      expect(shapes[0]).toEqual(shapes[1]);
      expect(relError(actual, expected)).toBeLessThan(1e-5);
    }
  });
});

function pair(r: { actual: tf.TypedArray; expected: tf.TypedArray }): [tf.TypedArray, tf.TypedArray] {
  return [r.actual, r.expected];
}

describe.each(BACKENDS)('depthwise convolution gradients on %s', (backend) => {
  const cases: [number[], number[], number, 'same' | 'valid', number][] = [
    [[2, 7, 7, 3], [3, 3, 3, 1], 1, 'same', 1],
    [[1, 8, 9, 2], [4, 4, 2, 2], 2, 'same', 1],
    [[2, 9, 8, 4], [5, 5, 4, 1], 2, 'valid', 1],
    [[1, 9, 9, 2], [3, 3, 2, 3], 1, 'valid', 1],
  ];
  it.each(cases)('x %j filter %j stride %s %s dilation %s', (xShape, fShape, s, pad, d) => {
    const grads = () => {
      const x = tf.mul(seq(xShape), 0.3) as tf.Tensor4D;
      const w = tf.mul(seq(fShape), 0.2) as tf.Tensor4D;
      const gs = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.square(tf.depthwiseConv2d(a as tf.Tensor4D, b as tf.Tensor4D, s, pad, 'NHWC', d))))([x, w]);
      return tf.concat(gs.map((g) => tf.reshape(g, [-1])));
    };
    const { actual, expected } = compare(backend, grads);
    expect(relError(actual, expected)).toBeLessThan(1e-5);
  });
});

describe.each(BACKENDS)('ResizeNearestNeighborGrad on %s is the adjoint of the forward resize', (backend) => {
  // ⟨R x, g⟩ = ⟨x, Rᵀ g⟩ for every x and g; tfjs-cpu's stock kernel fails this for batch > 1.
  const cases: [number[], [number, number], boolean, boolean][] = [
    [[2, 4, 4, 3], [8, 8], false, false],
    [[3, 3, 5, 2], [7, 9], false, false],
    [[2, 4, 4, 1], [8, 8], false, true],
    [[2, 5, 4, 2], [9, 7], true, false],
  ];
  it.each(cases)('images %j → %j alignCorners=%s halfPixelCenters=%s', (shape, size, alignCorners, halfPixelCenters) => {
    onBackend(backend, () =>
      tf.tidy(() => {
        const x = tf.sin(seq(shape)) as tf.Tensor4D;
        const g = tf.cos(seq([shape[0]!, size[0], size[1], shape[3]!]));
        const forward = tf.sum(tf.mul(tf.image.resizeNearestNeighbor(x, size, alignCorners, halfPixelCenters), g)).dataSync()[0]!;
        const attrs = { alignCorners, halfPixelCenters, size };
        const back = tf.engine().runKernel('ResizeNearestNeighborGrad', { images: x, dy: g }, attrs) as tf.Tensor;
        const adjoint = tf.sum(tf.mul(x, back)).dataSync()[0]!;
        expect(Math.abs(forward - adjoint)).toBeLessThan(1e-4 * Math.max(1, Math.abs(forward)));
      }),
    );
  });
});
