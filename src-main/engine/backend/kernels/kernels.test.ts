import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import type { NamedAttrMap } from '@tensorflow/tfjs-core';
import { registerTrainingKernels, restoreStockKernels, trainingKernelNames } from './index';
import { planPhase } from './conv2d_backprop_input';
import { BACKENDS, dataIdCount, onBackend, randomArray4, relError, setUpBackends, stockCpu, withStockKernels } from './testing';

type Pad = 'same' | 'valid' | number | [[number, number], [number, number], [number, number], [number, number]];
type Case = { n: number; h: number; w: number; cin: number; cout: number; k: number; s: number; pad: Pad };

const CASES: Case[] = [];
const SIZES = [
  { n: 1, h: 7, w: 7, cin: 1, cout: 3 },
  { n: 2, h: 8, w: 9, cin: 3, cout: 8 },
  { n: 3, h: 6, w: 5, cin: 8, cout: 1 },
];
const PADS: Pad[] = ['same', 'valid', 1, [[0, 0], [2, 1], [0, 2], [0, 0]]];
// Every stride × kernel × padding, each with two of the three sizes in rotation (all three sizes
// everywhere would double the run time for little extra coverage).
let rotation = 0;
for (const s of [1, 2]) {
  for (const k of [3, 4, 5]) {
    for (const pad of PADS) {
      for (const size of [SIZES[rotation % 3]!, SIZES[(rotation + 1) % 3]!]) CASES.push({ ...size, k, s, pad });
      rotation++;
    }
  }
}
/** cpu's kernels are one im2col + matmul path with no per-shape decomposition: half the cases. */
const CASES_FOR = (backend: string) => (backend === 'wasm' ? CASES : CASES.filter((_, i) => i % 2 === 0));

const label = (c: Case) => `x[${c.n},${c.h},${c.w},${c.cin}] k${c.k} s${c.s} → ${c.cout} pad ${JSON.stringify(c.pad)}`;

/** Runs `kernelName` through the engine on `backend` (so whatever is registered there runs). */
function runKernel(backend: string, kernelName: string, inputs: Record<string, number[][][][]>, attrs: NamedAttrMap) {
  return onBackend(backend, () =>
    tf.tidy(() => {
      const tensors: Record<string, tf.Tensor> = {};
      for (const [k, v] of Object.entries(inputs)) tensors[k] = tf.tensor4d(v);
      const out = tf.engine().runKernel(kernelName, tensors, attrs) as tf.Tensor;
      return { values: out.dataSync().slice() as Float32Array, shape: out.shape };
    }),
  );
}

function caseData(c: Case, seed: number) {
  const outShape = tf.backend_util.computeConv2DInfo([c.n, c.h, c.w, c.cin], [c.k, c.k, c.cin, c.cout], c.s, 1, c.pad).outShape;
  return {
    x: randomArray4([c.n, c.h, c.w, c.cin], seed),
    filter: randomArray4([c.k, c.k, c.cin, c.cout], seed + 1),
    dy: randomArray4(outShape, seed + 2),
  };
}

beforeAll(async () => {
  await setUpBackends();
  // Makes the engine throw if any kernel leaves backend data behind.
  tf.env().set('IS_TEST', true);
});

describe('registerTrainingKernels', () => {
  it('reports what it registered and can be called again', () => {
    const depthwise = ['DepthwiseConv2dNativeBackpropFilter', 'DepthwiseConv2dNativeBackpropInput'];
    const wasm = ['Conv2D', 'FusedConv2D', 'Sum', 'Mean', 'Conv2DBackpropFilter', 'Conv2DBackpropInput', 'BatchMatMul', '_FusedMatMul', 'Tile', ...depthwise, 'Identity'];
    expect(registerTrainingKernels('wasm')).toEqual(wasm);
    expect(registerTrainingKernels('cpu')).toEqual([
      'Conv2D',
      'Conv2DBackpropFilter',
      'Conv2DBackpropInput',
      'BatchMatMul',
      'Tile',
      ...depthwise,
      'Add',
      'Sub',
      'Multiply',
      'RealDiv',
      'SquaredDifference',
      'Maximum',
      'Minimum',
      'Neg',
      'Sum',
      'Mean',
      'ResizeNearestNeighborGrad',
    ]);
    expect(trainingKernelNames('wasm')).toEqual(wasm);
    expect(registerTrainingKernels('wasm', { only: ['Tile'] })).toEqual(['Tile']);
  });

  it('carries the stock setupFunc, so registering before the backend initialises still works', () => {
    for (const name of ['BatchMatMul', '_FusedMatMul', 'Conv2DBackpropInput', 'Tile']) {
      const ours = tf.getKernel(name, 'wasm');
      expect(ours?.setupFunc, name).toBeTypeOf('function');
      restoreStockKernels('wasm');
      expect(ours?.setupFunc).toBe(tf.getKernel(name, 'wasm')?.setupFunc);
      registerTrainingKernels('wasm');
    }
  });

  it('phase plans cover every tap exactly once', () => {
    for (const s of [1, 2, 3]) {
      for (const k of [3, 4, 5]) {
        for (const top of [0, 1, 2]) {
          const taps = new Set<number>();
          for (let p = 0; p < s; p++) {
            const plan = planPhase(p, s, k, top, 20, 10);
            if (!plan) continue;
            for (let j = 0; j < plan.taps; j++) taps.add(plan.filterStart + s * j);
          }
          expect([...taps].sort((a, b) => a - b)).toEqual(Array.from({ length: k }, (_, i) => i));
        }
      }
    }
  });
});

/** Our kernel on `backend` gives the stock cpu kernel's result (shape, and values within 1e-4 relative). */
function expectStockResult(backend: (typeof BACKENDS)[number], kernel: string, inputs: Parameters<typeof stockCpu>[1], attrs: NamedAttrMap): void {
  const expected = stockCpu(kernel, inputs, attrs);
  const actual = runKernel(backend, kernel, inputs, attrs);
  expect(actual.shape).toEqual(expected.shape);
  expect(relError(actual.values, expected.values)).toBeLessThan(1e-4);
}

describe.each(BACKENDS)('Conv2DBackpropFilter on %s matches the stock cpu kernel', (backend) => {
  it.each(CASES_FOR(backend).map((c) => [label(c), c] as const))('%s', (_, c) => {
    const { x, dy } = caseData(c, 11);
    const attrs = { strides: c.s, pad: c.pad, dataFormat: 'NHWC', filterShape: [c.k, c.k, c.cin, c.cout] } as unknown as NamedAttrMap;
    expectStockResult(backend, 'Conv2DBackpropFilter', { x, dy }, attrs);
  });
});

describe.each(BACKENDS)('Conv2DBackpropInput on %s matches the stock cpu kernel', (backend) => {
  it.each(CASES_FOR(backend).map((c) => [label(c), c] as const))('%s', (_, c) => {
    const { filter, dy } = caseData(c, 23);
    const attrs = { strides: c.s, pad: c.pad, dataFormat: 'NHWC', inputShape: [c.n, c.h, c.w, c.cin] } as unknown as NamedAttrMap;
    expectStockResult(backend, 'Conv2DBackpropInput', { dy, filter }, attrs);
  });
});

describe('Conv2D on cpu matches the stock cpu kernel', () => {
  const plain = CASES_FOR('cpu');
  const dilated: Case[] = plain.filter((c) => c.s === 1 && c.pad !== 1).map((c) => ({ ...c, h: c.h + 4, w: c.w + 4 }));
  it.each([...plain, ...dilated].map((c, i) => [label(c) + (i >= plain.length ? ' dilation 2' : ''), c, i >= plain.length ? 2 : 1] as const))(
    '%s',
    (_, c, dilation) => {
      const { x, filter } = caseData(c, 31);
      const attrs = { strides: c.s, pad: c.pad, dataFormat: 'NHWC', dilations: dilation } as unknown as NamedAttrMap;
      const expected = stockCpu('Conv2D', { x, filter }, attrs);
      const actual = runKernel('cpu', 'Conv2D', { x, filter }, attrs);
      expect(actual.shape).toEqual(expected.shape);
      expect(relError(actual.values, expected.values)).toBeLessThan(1e-4);
    },
  );
});

describe('Conv2DBackpropInput fallbacks', () => {
  it('wasm falls back to the stock kernel where phases do not apply (stride above kernel size)', () => {
    const c: Case = { n: 2, h: 9, w: 9, cin: 3, cout: 4, k: 2, s: 3, pad: 'same' };
    const { filter, dy } = caseData({ ...c }, 5);
    const attrs = { strides: 3, pad: 'same', dataFormat: 'NHWC', inputShape: [2, 9, 9, 3] } as unknown as NamedAttrMap;
    const expected = stockCpu('Conv2DBackpropInput', { dy, filter }, attrs);
    const actual = runKernel('wasm', 'Conv2DBackpropInput', { dy, filter }, attrs);
    expect(relError(actual.values, expected.values)).toBeLessThan(1e-4);
  });
});

describe('NCHW', () => {
  it('Conv2DBackpropFilter handles channels-first input on both backends', () => {
    const x = randomArray4([2, 3, 8, 7], 3);
    const dy = randomArray4([2, 5, 4, 4], 4);
    const attrs = { strides: 2, pad: 'same', dataFormat: 'NCHW', filterShape: [3, 3, 3, 5] } as unknown as NamedAttrMap;
    const expected = stockCpu('Conv2DBackpropFilter', { x, dy }, attrs);
    for (const backend of BACKENDS) {
      const actual = runKernel(backend, 'Conv2DBackpropFilter', { x, dy }, attrs);
      expect(relError(actual.values, expected.values)).toBeLessThan(1e-4);
    }
  });
});

describe('gradients through conv2d and conv2dTranspose on wasm equal stock cpu', () => {
  const grads = (backend: string, transpose: boolean, s: number, pad: 'same' | 'valid') =>
    onBackend(backend, () =>
      tf.tidy(() => {
        const x = tf.tensor4d(randomArray4([2, transpose ? 4 : 8, transpose ? 4 : 8, 3], 7));
        const w = tf.tensor4d(randomArray4([4, 4, 3, 5], 8));
        const f = (xx: tf.Tensor, ww: tf.Tensor) => {
          if (!transpose) return tf.sum(tf.square(tf.conv2d(xx as tf.Tensor4D, ww as tf.Tensor4D, s, pad)));
          // Transposed conv maps 3 channels to 5: its filter is [k, k, out, in].
          const wt = tf.transpose(ww, [0, 1, 3, 2]) as tf.Tensor4D;
          const outSize = pad === 'same' ? 4 * s : (4 - 1) * s + 4;
          return tf.sum(tf.square(tf.conv2dTranspose(xx as tf.Tensor4D, wt, [2, outSize, outSize, 5], s, pad)));
        };
        const [dx, dw] = tf.grads(f)([x, w]);
        return [dx!.dataSync().slice(), dw!.dataSync().slice()];
      }),
    );
  for (const transpose of [false, true]) {
    for (const s of [1, 2]) {
      for (const pad of ['same', 'valid'] as const) {
        it(`${transpose ? 'conv2dTranspose' : 'conv2d'} stride ${s} ${pad}`, () => {
          const expected = withStockKernels('cpu', () => grads('cpu', transpose, s, pad));
          const actual = grads('wasm', transpose, s, pad);
          expect(relError(actual[0]!, expected[0]!)).toBeLessThan(1e-4);
          expect(relError(actual[1]!, expected[1]!)).toBeLessThan(1e-4);
        });
      }
    }
  }
});

describe.each(BACKENDS)('no leaks on %s', (backend) => {
  it('tensor and backend data counts stay flat across repeated kernel calls and gradients', () => {
    onBackend(backend, () => {
      const x = tf.randomNormal([2, 9, 9, 3]) as tf.Tensor4D;
      const w = tf.randomNormal([4, 4, 3, 4]) as tf.Tensor4D;
      const dy = tf.randomNormal([2, 5, 5, 4]) as tf.Tensor4D;
      const step = () => {
        const outs = [
          tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { strides: 2, pad: 'same', dataFormat: 'NHWC', filterShape: w.shape }),
          tf.engine().runKernel('Conv2DBackpropInput', { dy, filter: w }, { strides: 2, pad: 'same', dataFormat: 'NHWC', inputShape: x.shape }),
        ] as tf.Tensor[];
        tf.dispose(outs);
        tf.tidy(() => {
          tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 2, 'valid')))([x, w]);
        });
      };
      step();
      const tensors = tf.memory().numTensors;
      const dataIds = dataIdCount();
      for (let i = 0; i < 5; i++) step();
      expect(tf.memory().numTensors).toBe(tensors);
      expect(dataIdCount()).toBe(dataIds);
      tf.dispose([x, w, dy]);
    });
  });
});

describe('Identity on wasm', () => {
  it('shares the data without a copy, and a clone outlives its source and later assignments', () => {
    onBackend('wasm', () => {
      const ids = dataIdCount();
      const first = tf.tensor1d([1, 2, 3]);
      const v = tf.variable(first);
      first.dispose();
      const c = tf.clone(v);
      expect(dataIdCount()).toBe(ids + 1); // one buffer, two tensors
      const next = tf.tensor1d([7, 8, 9]);
      v.assign(next);
      next.dispose();
      expect([...c.dataSync()]).toEqual([1, 2, 3]);
      v.dispose();
      expect([...c.dataSync()]).toEqual([1, 2, 3]);
      c.dispose();
      expect(dataIdCount()).toBe(ids);
    });
  });
});
