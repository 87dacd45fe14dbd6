/** Tile and the matmul wrappers against tfjs' stock cpu kernels. */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { BACKENDS, dataIdCount, onBackend, relError, setUpBackends, withStockKernels } from './test-util';

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

describe('matmul with transposed operands on wasm', () => {
  const cases: [number[], number[], boolean, boolean][] = [
    [[5, 7], [7, 3], false, false],
    [[7, 5], [7, 3], true, false],
    [[5, 7], [3, 7], false, true],
    [[7, 5], [3, 7], true, true],
    [[2, 7, 5], [2, 7, 3], true, false],
    [[1, 5, 7], [4, 3, 7], false, true],
    [[64, 1], [64, 9], true, false],
  ];
  it.each(cases)('BatchMatMul %j × %j tA=%s tB=%s', (a, b, ta, tb) => {
    const { actual, expected, shapes } = compare('wasm', () => tf.matMul(seq(a), tf.mul(seq(b), 0.5), ta, tb));
    expect(shapes[0]).toEqual(shapes[1]);
    expect(relError(actual, expected)).toBeLessThan(1e-5);
  });
  it.each(cases.slice(0, 4))('_FusedMatMul with bias and relu %j × %j tA=%s tB=%s', (a, b, ta, tb) => {
    const f = () => {
      const n = tb ? b[b.length - 2]! : b[b.length - 1]!;
      return tf.fused.matMul({ a: seq(a), b: seq(b), transposeA: ta, transposeB: tb, bias: tf.fill([n], 0.1), activation: 'relu' });
    };
    const { actual, expected } = compare('wasm', f);
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
    const { actual, expected } = compare('wasm', grads);
    expect(relError(actual, expected)).toBeLessThan(1e-5);
    onBackend('wasm', () => {
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
