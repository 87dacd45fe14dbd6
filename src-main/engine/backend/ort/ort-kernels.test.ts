/**
 * The wasm backend's kernels on ONNX Runtime against tfjs' own cpu kernels: convolutions forward and
 * both gradients over strides, paddings and odd shapes, matmuls with either operand transposed,
 * reductions over leading axes. Each case also checks that it really ran on ONNX Runtime (or fell
 * back where it must), that a repeat gives the same bits, and that nothing is left on the heap.
 */
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { dataIdCount, onBackend, relError, setUpBackends } from '../kernels/testing';
import { batchChunks, clearOrtGraphs, ortCalls, ortGraphCount, ortLimits } from './ort-kernels';
import { loadOrt, withoutOrt } from './ort-runtime';
import { heapKernels, im2col, scatterPhase, scratch, scratchFloats, sweepScratch, type PhasePlacement } from './im2col';
import type { TensorInfo } from '@tensorflow/tfjs-core';
import type { Window2D } from '../kernels/conv-window';

beforeAll(async () => {
  await setUpBackends();
  tf.env().set('IS_TEST', true);
  expect(loadOrt(2)).toEqual({ version: expect.stringMatching(/^\d+\.\d+\.\d+$/), reason: null, threads: 2 });
});

type Shape4 = [number, number, number, number];
const seeded = (shape: number[], seed: number) => tf.randomUniform(shape, -1, 1, 'float32', seed);

/** Runs `f` on `backend` and returns its outputs' values. */
function valuesOn(backend: string, f: () => tf.Tensor[]): Float32Array[] {
  return onBackend(backend, () => {
    const outs = tf.tidy(f);
    const values = outs.map((t) => t.dataSync() as Float32Array);
    tf.dispose(outs);
    return values;
  });
}

/** y, dx and dW of a convolution: Conv2D, Conv2DBackpropInput and Conv2DBackpropFilter. */
function convAndGrads(x: Shape4, f: Shape4, strides: number, pad: 'same' | 'valid' | [[0, 0], [number, number], [number, number], [0, 0]]) {
  return () => {
    const xt = seeded(x, 1) as tf.Tensor4D;
    const ft = seeded(f, 2) as tf.Tensor4D;
    const conv = (a: tf.Tensor4D, b: tf.Tensor4D) => tf.conv2d(a, b, strides, pad as 'same');
    const y = conv(xt, ft);
    const dy = seeded(y.shape, 3);
    const [dx, dw] = tf.grads((a: tf.Tensor, b: tf.Tensor) => conv(a as tf.Tensor4D, b as tf.Tensor4D))([xt, ft], dy);
    return [y, dx!, dw!];
  };
}

const counted = () => Object.fromEntries(ortCalls);
const delta = (before: Record<string, number>, name: string) => (ortCalls.get(name) ?? 0) - (before[name] ?? 0);

describe('convolutions on ONNX Runtime', () => {
  it.each([
    ['DCGAN layer, k4 s2 same', [2, 8, 8, 8], [4, 4, 8, 16], 2, 'same'],
    ['k3 s1 same', [2, 7, 7, 6], [3, 3, 6, 5], 1, 'same'],
    ['k3 s2 valid with leftover rows', [1, 9, 10, 5], [3, 3, 5, 7], 2, 'valid'],
    ['1×1', [2, 6, 6, 8], [1, 1, 8, 7], 1, 'valid'],
    ['odd, non-square, k4 s2 same', [2, 5, 7, 6], [4, 4, 6, 8], 2, 'same'],
    ['explicit uneven padding', [2, 6, 5, 6], [3, 3, 6, 9], 1, [[0, 0], [1, 2], [0, 1], [0, 0]]],
  ] as const)('%s: forward and both gradients match the cpu backend, on ONNX Runtime', (_name, x, f, s, pad) => {
    const run = convAndGrads(x as unknown as Shape4, f as unknown as Shape4, s, pad as never);
    const before = counted();
    const idsBefore = onBackend('wasm', dataIdCount);
    const wasm = valuesOn('wasm', run);
    expect(onBackend('wasm', dataIdCount)).toBe(idsBefore);
    const cpu = valuesOn('cpu', run);
    wasm.forEach((values, i) => expect(relError(values, cpu[i]!)).toBeLessThan(1e-5));
    expect(delta(before, tf.Conv2D)).toBeGreaterThan(0);
    expect(delta(before, tf.Conv2DBackpropFilter)).toBeGreaterThan(0);
    // By phases where k % s = 0 (every model layer), otherwise by col2im: on ONNX Runtime either way.
    expect(delta(before, tf.Conv2DBackpropInput)).toBeGreaterThan(0);
  });

  it('gives the same bits on a repeat and agrees with the wasm-only kernels', () => {
    const run = convAndGrads([4, 16, 16, 32], [4, 4, 32, 64], 2, 'same');
    const first = valuesOn('wasm', run);
    clearOrtGraphs(); // recompiled graphs compute the same
    const again = valuesOn('wasm', run);
    first.forEach((values, i) => expect(Buffer.from(again[i]!.buffer).equals(Buffer.from(values.buffer))).toBe(true));
    const before = counted();
    const plain = withoutOrt(() => valuesOn('wasm', run));
    expect(counted()).toEqual(before);
    first.forEach((values, i) => expect(relError(values, plain[i]!)).toBeLessThan(1e-5));
  });

  it.each([8, 1])('splits a batch whose columns exceed the cap into chunks of whole images, with the same results (%i-channel images)', (c) => {
    // 16×16 images, k4 s2: 8×8 outputs. The cap holds two images' im2col (8·8 × 4·4·c), so the
    // forward and filter gradient run five images as chunks of 2, 2 and 1; the input gradient too
    // by col2im (c = 1: the same columns), or by phases (c = 8: 4·4·2·2·16 floats an image, so
    // chunks of 4 and 1).
    const run = convAndGrads([5, 16, 16, c], [4, 4, c, 16], 2, 'same');
    const whole = valuesOn('wasm', run);
    const cap = ortLimits.maxCols;
    const perImage = 8 * 8 * 4 * 4 * c;
    ortLimits.maxCols = 2 * perImage;
    try {
      expect(batchChunks(5, perImage)).toEqual([
        [0, 2],
        [2, 2],
        [4, 1],
      ]);
      const before = counted();
      const chunked = valuesOn('wasm', run);
      // Each on ONNX Runtime (the forward twice: for y, and inside tf.grads).
      expect([delta(before, tf.Conv2D), delta(before, tf.Conv2DBackpropFilter), delta(before, tf.Conv2DBackpropInput)]).toEqual([2, 1, 1]);
      chunked.forEach((values, i) => expect(relError(values, whole[i]!), ['y', 'dx', 'dW'][i]).toBeLessThan(1e-6));
    } finally {
      ortLimits.maxCols = cap;
    }
  });

  it.each([1, 3])('a %i-channel image side: forward and both gradients match the cpu backend, on ONNX Runtime', (c) => {
    const run = convAndGrads([2, 16, 16, c], [4, 4, c, 8], 2, 'same');
    const before = counted();
    const wasm = valuesOn('wasm', run);
    const cpu = valuesOn('cpu', run);
    wasm.forEach((values, i) => expect(relError(values, cpu[i]!), ['y', 'dx', 'dW'][i]).toBeLessThan(1e-5));
    // The forward runs twice: for y, and again inside tf.grads.
    expect(delta(before, tf.Conv2D)).toBe(2);
    expect(delta(before, tf.Conv2DBackpropFilter)).toBe(1);
    expect(delta(before, tf.Conv2DBackpropInput)).toBe(1);
  });
});

describe('matmuls and reductions on ONNX Runtime', () => {
  it.each([
    [false, false],
    [true, false],
    [false, true],
    [true, true],
  ])('matMul transposeA %s transposeB %s matches the cpu backend', (ta, tb) => {
    const run = () => {
      const a = seeded(ta ? [300, 64] : [64, 300], 4);
      const b = seeded(tb ? [200, 300] : [300, 200], 5);
      return [tf.matMul(a, b, ta, tb), tf.matMul(tf.expandDims(a, 0), tf.expandDims(b, 0), ta, tb)];
    };
    const before = counted();
    const wasm = valuesOn('wasm', run);
    const cpu = valuesOn('cpu', run);
    wasm.forEach((values, i) => expect(relError(values, cpu[i]!)).toBeLessThan(1e-5));
    expect(delta(before, tf.BatchMatMul)).toBe(2);
  });

  it('sums and means over leading axes (batch statistics) match the cpu backend; other axes fall back', () => {
    const run = () => {
      const x = seeded([16, 8, 8, 64], 6);
      return [tf.sum(x, [0, 1, 2]), tf.mean(x, [0, 1, 2], true), tf.mean(tf.reshape(x, [1024, 64]), 0), tf.sum(x, [1, 2]), tf.mean(x, -1)];
    };
    const before = counted();
    const wasm = valuesOn('wasm', run);
    const cpu = valuesOn('cpu', run);
    expect(wasm.map((v) => v.length)).toEqual([64, 64, 64, 16 * 64, 16 * 8 * 8]);
    wasm.forEach((values, i) => expect(relError(values, cpu[i]!)).toBeLessThan(1e-5));
    expect(delta(before, tf.Sum)).toBe(1);
    expect(delta(before, tf.Mean)).toBe(2);
  });
});

describe('im2col and the phase interleave (WebAssembly, within the heap)', () => {
  interface Heap {
    typedArrayFromHeap(t: TensorInfo): Float32Array;
    makeOutput(shape: number[], dtype: 'float32'): TensorInfo;
    disposeData(id: object): boolean;
  }
  /** Runs `f` on the wasm backend with a heap tensor of `length` floats, first all NaN (stale
   *  values that must not survive), and returns what `f` left in it. */
  function onHeap(length: number, f: (heap: Heap, out: TensorInfo) => void): number[] {
    return onBackend('wasm', () => {
      const heap = tf.backend() as unknown as Heap;
      const out = heap.makeOutput([length], 'float32');
      try {
        heap.typedArrayFromHeap(out).fill(Number.NaN);
        f(heap, out);
        return [...heap.typedArrayFromHeap(out)];
      } finally {
        heap.disposeData(out.dataId);
      }
    });
  }
  /** im2col of x (images after `skip` leading floats) into a heap tensor, as the kernels run it. */
  const im2colOf = (x: Float32Array, g: Window2D, skip = 0) => {
    const length = g.n * g.outH * g.outW * g.kH * g.kW * g.c;
    return onHeap(length, (heap, cols) => {
      const xt = tf.tensor1d(Float32Array.from([...new Array<number>(skip).fill(-7), ...x]));
      const kernels = heapKernels(tf.backend(), cols)!;
      im2col(kernels, tf.backend(), xt, skip, g, cols);
      xt.dispose();
    });
  };

  it('runs where ONNX Runtime can use the heap (the single-thread build, not shared memory)', () => {
    onBackend('wasm', () => expect(heapKernels(tf.backend(), tf.scalar(1))).not.toBeNull());
  });

  it('im2col gathers each window with zeros outside the image', () => {
    // One 3×3 image, one channel, 2×2 windows at stride 1 with one row/column of padding before.
    const x = Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const cols = im2colOf(x, { n: 1, h: 3, w: 3, c: 1, kH: 2, kW: 2, sH: 1, sW: 1, top: 1, left: 1, outH: 2, outW: 2 });
    expect(cols).toEqual([0, 0, 0, 1, 0, 0, 1, 2, 0, 1, 0, 4, 1, 2, 4, 5]);
  });

  it('im2col matches the definition at every stride, window and padding, from any image on', () => {
    const naive = (x: Float32Array, g: Window2D) => {
      const out: number[] = [];
      for (let b = 0; b < g.n; b++)
        for (let oh = 0; oh < g.outH; oh++)
          for (let ow = 0; ow < g.outW; ow++)
            for (let kh = 0; kh < g.kH; kh++)
              for (let kw = 0; kw < g.kW; kw++)
                for (let ch = 0; ch < g.c; ch++) {
                  const [ih, iw] = [oh * g.sH - g.top + kh, ow * g.sW - g.left + kw];
                  out.push(ih < 0 || ih >= g.h || iw < 0 || iw >= g.w ? 0 : x[((b * g.h + ih) * g.w + iw) * g.c + ch]!);
                }
      return out;
    };
    const geometries: Window2D[] = [
      { n: 2, h: 8, w: 8, c: 3, kH: 4, kW: 4, sH: 2, sW: 2, top: 1, left: 1, outH: 4, outW: 4 },
      { n: 1, h: 7, w: 5, c: 2, kH: 2, kW: 3, sH: 1, sW: 1, top: 1, left: 2, outH: 7, outW: 5 },
      { n: 3, h: 4, w: 4, c: 1, kH: 5, kW: 5, sH: 1, sW: 2, top: 2, left: 2, outH: 4, outW: 2 },
      { n: 1, h: 3, w: 3, c: 2, kH: 2, kW: 2, sH: 1, sW: 1, top: 0, left: 0, outH: 2, outW: 2 },
      // Runs past 128 bytes (memory.copy) beside the short ones copied in registers, clipped too.
      { n: 2, h: 5, w: 5, c: 12, kH: 4, kW: 4, sH: 2, sW: 2, top: 1, left: 1, outH: 3, outW: 3 },
      { n: 1, h: 4, w: 6, c: 33, kH: 3, kW: 3, sH: 1, sW: 1, top: 1, left: 1, outH: 4, outW: 6 },
    ];
    for (const g of geometries) {
      const x = Float32Array.from({ length: g.n * g.h * g.w * g.c }, (_, i) => i + 1);
      expect(im2colOf(x, g), JSON.stringify(g)).toEqual(naive(x, g));
      // The same images after a first one the window must not read.
      expect(im2colOf(x, g, g.h * g.w * g.c), `${JSON.stringify(g)} from image 1`).toEqual(naive(x, g));
    }
  });

  it('keeps its scratch arrays while in use and lets them go after 30 s idle', () => {
    scratch('test', 1000);
    expect(scratchFloats()).toBeGreaterThanOrEqual(1000);
    expect(sweepScratch(Date.now() + 10_000)).toBeGreaterThan(0);
    expect(scratchFloats()).toBeGreaterThanOrEqual(1000);
    expect(sweepScratch(Date.now() + 31_000)).toBe(0);
    expect(scratchFloats()).toBe(0);
  });

  it('scatterPhase writes a phase to every s-th row and column from its first, and nothing else', () => {
    // Phase (1, 0) of a 4×4 one-channel image at stride 2: rows 1 and 3, columns 0 and 2; two images,
    // the second one written (dx's images counted from float 2 + 16 on).
    const placement: PhasePlacement = { n: 1, h: 4, w: 4, c: 1, rows: 2, cols: 2, y0: 1, x0: 0, sH: 2, sW: 2 };
    const dx = onHeap(2 + 32, (heap, out) => {
      const phase = tf.tensor1d([1, 2, 3, 4]);
      scatterPhase(heapKernels(tf.backend(), out)!, tf.backend(), phase, out, 2 + 16, placement);
      phase.dispose();
    });
    const image = new Array<number>(16).fill(Number.NaN);
    [image[4], image[6], image[12], image[14]] = [1, 2, 3, 4];
    expect(dx.slice(18)).toEqual(image);
    expect(dx.slice(0, 18).every(Number.isNaN)).toBe(true);
  });

  it.each([3, 5, 32, 33])('scatterPhase copies whole pixels of %i channels (in registers up to 32, by memory.copy past)', (c) => {
    // Phase (0, 1) of a 3×4 image at stride 2 on rows, 2 on columns: rows 0 and 2, columns 1 and 3.
    const placement: PhasePlacement = { n: 1, h: 3, w: 4, c, rows: 2, cols: 2, y0: 0, x0: 1, sH: 2, sW: 2 };
    const values = Array.from({ length: 4 * c }, (_, i) => i + 1);
    const dx = onHeap(12 * c, (heap, out) => {
      const phase = tf.tensor1d(values);
      scatterPhase(heapKernels(tf.backend(), out)!, tf.backend(), phase, out, 0, placement);
      phase.dispose();
    });
    const expected = new Array<number>(12 * c).fill(Number.NaN);
    [1, 3, 9, 11].forEach((pixel, k) => expected.splice(pixel * c, c, ...values.slice(k * c, (k + 1) * c)));
    expect(dx).toEqual(expected);
  });
});

describe('fused kernels and the graph cache', () => {
  it.each(['linear', 'relu', 'relu6', 'elu', 'leakyrelu', 'sigmoid'] as const)('fused conv2d and matMul with bias and %s match the cpu backend, on ONNX Runtime', (activation) => {
    const run = () => {
      const x = seeded([2, 6, 6, 8], 7) as tf.Tensor4D;
      const f = seeded([3, 3, 8, 5], 8) as tf.Tensor4D;
      const bias = seeded([5], 9);
      const a = seeded([64, 300], 10) as tf.Tensor2D;
      const b = seeded([300, 40], 11) as tf.Tensor2D;
      return [
        tf.fused.conv2d({ x, filter: f, strides: 1, pad: 'same', bias, activation, leakyreluAlpha: 0.3 }),
        tf.fused.matMul({ a, b, bias: seeded([40], 12), activation, leakyreluAlpha: 0.3 }),
      ];
    };
    const before = counted();
    const wasm = valuesOn('wasm', run);
    const cpu = valuesOn('cpu', run);
    wasm.forEach((values, i) => expect(relError(values, cpu[i]!)).toBeLessThan(1e-5));
    expect(delta(before, tf.FusedConv2D)).toBe(1);
    expect(delta(before, tf._FusedMatMul)).toBe(1);
  });

  it('compiles a few graphs, whatever the shapes (each session has its own threads)', () => {
    clearOrtGraphs();
    for (const size of [6, 7, 9, 12]) valuesOn('wasm', convAndGrads([2, size, size, 8], [4, 4, 8, 16], 2, 'same'));
    const count = ortGraphCount();
    for (const size of [10, 11, 13, 16]) valuesOn('wasm', convAndGrads([3, size, size, 8], [4, 4, 8, 16], 2, 'same'));
    expect(ortGraphCount()).toBe(count);
    // Forward, filter and input gradients; each on one thread or on all: at most six.
    expect(count).toBeLessThanOrEqual(6);
  });

  it('an empty batch gives empty outputs and a zero filter gradient', () => {
    const [y, dx, dw] = valuesOn('wasm', convAndGrads([0, 8, 8, 8], [4, 4, 8, 16], 2, 'same'));
    expect([y!.length, dx!.length]).toEqual([0, 0]);
    expect(dw!.length).toBe(4 * 4 * 8 * 16);
    expect(dw!.every((v) => v === 0)).toBe(true);
  });
});
