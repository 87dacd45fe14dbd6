/**
 * The wasm backend's convolutions as single GEMMs on ONNX Runtime (ort-runtime.ts), in the NHWC
 * layout tfjs uses:
 *
 *   Conv2D:               y[(b, oh, ow), co]   = im2col(x) · W[(kh, kw, ci), co]
 *   Conv2DBackpropFilter: dW[(kh, kw, ci), co] = im2col(x)ᵀ · dy[(b, oh, ow), co]
 *   Conv2DBackpropInput:  by stride phases, or one product and col2im, see conv2dBackpropInput
 *
 * The data movement (im2col, interleave) runs within the wasm heap, in the engine's WebAssembly
 * kernels, and ONNX Runtime reads its operands from there and writes its products there (im2col.ts);
 * the graphs are one Gemm node each, compiled once per shape (a few ms) and cached. Where ONNX
 * Runtime is absent, or a case is not handled (NCHW, dilation), the kernel falls back to the one it
 * replaces. A fixed thread count gives fixed results; 1 and N threads agree within float rounding, not bit for bit (MLAS may split the
 * long inner sum of a product with few outputs across threads).
 */
import * as tf from '@tensorflow/tfjs-core';
import { backend_util } from '@tensorflow/tfjs-core';
import type { BatchMatMulAttrs, Conv2DAttrs, Conv2DBackpropFilterAttrs, Conv2DBackpropInputAttrs, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { OnnxGraph } from './onnx-graph';
import { allocateAllOnHeap, allocateOnHeap, uploadToHeap, type WasmKernels } from '../wasm-kernels';
import { COLUMNS_CAP_FLOATS } from '../../../shared/model-design/cost';
import { activeOrt, compileGraph, ortThreadsNow, type GraphSpec, type OrtGraph } from './ort-runtime';
import { input, type KernelArgs } from '../kernels/runner';
import { SMALL_CHANNELS } from '../kernels/small-channels';
import { col2imAdd, heapKernels, im2col, phaseWeights, scatterPhase, scratch } from './im2col';
import { convGeometry } from '../kernels/conv-window';

type Shape4 = [number, number, number, number];
type ConvInfo = backend_util.Conv2DInfo;

/**
 * Compiled graphs by variant (op, transposes, bias, activation, threads), never by shape: their
 * dimensions are symbolic, so a handful of sessions (each with its own thread pool) serve every
 * model. null remembers a variant ONNX Runtime refused.
 */
const graphs = new Map<string, OrtGraph | null>();

function graphFor(key: string, build: () => GraphSpec, threads?: number): OrtGraph | null {
  const ort = activeOrt();
  if (!ort) return null;
  const cached = graphs.get(key);
  if (cached !== undefined) return cached;
  let graph: OrtGraph | null = null;
  try {
    graph = compileGraph(ort, build(), threads);
  } catch {
    graph = null;
  }
  graphs.set(key, graph);
  return graph;
}

/** Frees every compiled graph (tests). */
export function clearOrtGraphs(): void {
  for (const g of graphs.values()) g?.dispose();
  graphs.clear();
}

/** How many graphs are compiled (tests: the count must not grow with shapes). */
export const ortGraphCount = () => graphs.size;
/** The compiled variants' keys; a product's key ends with its thread count (tests). */
export const ortGraphKeys = () => [...graphs.keys()];

interface WasmBackendLike {
  typedArrayFromHeap(t: TensorInfo): Float32Array;
  disposeData(dataId: object): boolean;
}

/** A view of `t` in the wasm heap (valid until the next allocation: use it at once). */
const heap = (backend: WasmBackendLike, t: TensorInfo) => backend.typedArrayFromHeap(t);

/** Below this many multiply-adds a product runs on one thread: waking the others costs more. */
const MIN_THREADED_MACS = 1 << 22;

/** What a fused kernel applies after the product: a bias of n values, then an activation. */
export interface Epilogue {
  bias: Float32Array | null;
  activation: 'linear' | 'relu' | 'relu6' | 'elu' | 'leakyrelu' | 'sigmoid';
  leakyreluAlpha?: number;
}
const FUSED_ACTIVATIONS = new Set<string>(['linear', 'relu', 'relu6', 'elu', 'leakyrelu', 'sigmoid']);

function activationNode(g: OnnxGraph, y: string, e: Epilogue, out: string): string {
  switch (e.activation) {
    case 'relu':
      return g.op('Relu', [y], {}, out);
    case 'relu6':
      return g.op('Clip', [y, g.float32(0), g.float32(6)], {}, out);
    case 'elu':
      return g.op('Elu', [y], { alpha: { float: 1 } }, out);
    case 'leakyrelu':
      return g.op('LeakyRelu', [y], { alpha: { float: e.leakyreluAlpha ?? 0.2 } }, out);
    case 'sigmoid':
      return g.op('Sigmoid', [y], {}, out);
    default:
      return g.op('Identity', [y], {}, out);
  }
}

/**
 * C[m, n] = op(A) · op(B) (+ bias, then the activation) on ONNX Runtime, into `into` or a reused
 * scratch array (copy it before the next product); null when the runtime is absent or refuses. A is [m, k]
 * ([k, m] with transA), B is [k, n] ([n, k] with transB). The operands must be plain (not shared)
 * arrays: ONNX Runtime refuses a SharedArrayBuffer.
 */
function gemm(a: Float32Array, b: Float32Array, m: number, k: number, n: number, transA = false, transB = false, epilogue: Epilogue | null = null, into?: Float32Array): Float32Array | null {
  const threads = m * k * n < MIN_THREADED_MACS ? 1 : ortThreadsNow();
  const fused = epilogue ? `${epilogue.bias ? 'bias' : ''}|${epilogue.activation}|${epilogue.leakyreluAlpha ?? ''}` : '';
  const key = `Gemm|${+transA}${+transB}|${fused}|${threads}`;
  const graph = graphFor(key, () => {
    const g = new OnnxGraph();
    g.input('a', transA ? ['k', 'm'] : ['m', 'k']);
    g.input('b', transB ? ['n', 'k'] : ['k', 'n']);
    const inputs = ['a', 'b'];
    if (epilogue?.bias) inputs.push(g.input('bias', ['n']));
    const plainProduct = !epilogue || epilogue.activation === 'linear';
    const product = g.op('Gemm', inputs, { transA: +transA, transB: +transB }, plainProduct ? 'c' : undefined);
    if (!plainProduct) activationNode(g, product, epilogue!, 'c');
    g.output('c', ['m', 'n']);
    return { graph: g, inputs, output: 'c' };
  }, threads);
  if (!graph) return null;
  const c = into ?? scratch('product', m * n);
  const feeds = [
    { data: a, dims: transA ? [k, m] : [m, k] },
    { data: b, dims: transB ? [n, k] : [k, n] },
  ];
  if (epilogue?.bias) feeds.push({ data: epilogue.bias, dims: [n] });
  try {
    graph.run(feeds, { data: c, dims: [m, n] });
  } catch {
    return null;
  }
  return c;
}

/** `v`, or a scratch copy of it when it lives in shared memory (which ONNX Runtime refuses). */
function plain(v: Float32Array, role: string): Float32Array {
  if (v.buffer instanceof ArrayBuffer) return v;
  const copy = scratch(role, v.length);
  copy.set(v);
  return copy;
}

function convInfo(xShape: number[], filterShape: number[], strides: number | [number, number], pad: Conv2DAttrs['pad'], rounding: Conv2DAttrs['dimRoundingMode']): ConvInfo {
  return backend_util.computeConv2DInfo(xShape as Shape4, filterShape as Shape4, strides, 1, pad, rounding, false, 'channelsLast');
}

const handled = (dataFormat: string | undefined, dilations: number | [number, number] | undefined, ...ts: TensorInfo[]) =>
  activeOrt() !== null &&
  dataFormat !== 'NCHW' &&
  (dilations === undefined || dilations === 1 || (Array.isArray(dilations) && dilations.every((d) => d === 1))) &&
  ts.every((t) => t.dtype === 'float32');

const backendOf = (args: KernelArgs) => args.backend as unknown as WasmBackendLike;

/**
 * The columns (on the wasm heap) are capped at this many floats (256 MB, shared/model-design's
 * memory estimate counts them): a batch whose im2col is larger (big images, wide layers) runs in
 * chunks of whole images, each its own product.
 */
export const ortLimits = { maxCols: COLUMNS_CAP_FLOATS };

/** [first image, images] of each chunk of `n` images whose columns take `perImage` floats each. */
export function batchChunks(n: number, perImage: number): [number, number][] {
  const per = Math.max(1, Math.floor(ortLimits.maxCols / perImage));
  const chunks: [number, number][] = [];
  for (let b = 0; b < n; b += per) chunks.push([b, Math.min(per, n - b)]);
  return chunks;
}

/**
 * Allocates an output and scratch tensors on the heap together (first: heap views taken before an
 * allocation may be stale after it), then runs `fill`. The output is returned when `fill` succeeds,
 * and freed when it gives up (false: the caller falls back to the wasm kernel) or throws; the
 * scratch is freed either way.
 */
function produceOnHeap(args: KernelArgs, outShape: number[], scratchShapes: number[][], fill: (out: TensorInfo, scratch: TensorInfo[]) => boolean): TensorInfo | null {
  const backend = backendOf(args);
  const [out, ...scratch] = allocateAllOnHeap(args.backend, [outShape, ...scratchShapes]) as [TensorInfo, ...TensorInfo[]];
  let done = false;
  try {
    done = fill(out, scratch);
    return done ? out : null;
  } finally {
    for (const t of scratch) backend.disposeData(t.dataId);
    if (!done) backend.disposeData(out.dataId);
  }
}

/**
 * The bias and activation of a fused kernel (FusedConv2D, _FusedMatMul: the explorer's compiled
 * generator, imported graph models) as a Gemm epilogue; undefined when ONNX Runtime cannot apply it
 * (PReLU, a bias that is not one value per output column).
 */
function epilogueOf(args: KernelArgs, columns: number): Epilogue | null | undefined {
  const { activation = 'linear', leakyreluAlpha } = (args.attrs ?? {}) as { activation?: string; leakyreluAlpha?: number };
  const bias = args.inputs.bias;
  if (!FUSED_ACTIVATIONS.has(activation) || args.inputs.preluActivationWeights) return undefined;
  if (bias && (bias.dtype !== 'float32' || tf.util.sizeFromShape(bias.shape) !== columns)) return undefined;
  if (!bias && activation === 'linear') return null;
  const values = bias ? plain(heap(backendOf(args), bias), 'bias') : null;
  return { bias: values, activation: activation as Epilogue['activation'], leakyreluAlpha };
}

/** y[(b, oh, ow), co] = im2col(x) · W[(kh, kw, ci), co], with a fused kernel's bias and activation. */
function conv2d(args: KernelArgs): TensorInfo | null {
  const x = input(args.inputs, 'x');
  const filter = input(args.inputs, 'filter');
  const { strides, pad, dataFormat, dilations, dimRoundingMode } = args.attrs as unknown as Conv2DAttrs;
  if (!handled(dataFormat, dilations, x, filter)) return null;
  const kernels = heapKernels(args.backend, x);
  if (!kernels) return null;
  // Also a 1–4 channel image side (a discriminator's first layer): with im2col in WebAssembly this
  // equals or beats XNNPACK's direct convolution (2026-12-04, [64,28,28,1] k4 s2 to 32 channels:
  // 0.80–0.89 against 0.96–1.90 ms).
  const info = convInfo(x.shape, filter.shape, strides, pad, dimRoundingMode);
  const backend = backendOf(args);
  const pixels = info.outHeight * info.outWidth;
  const k = info.filterHeight * info.filterWidth * info.inChannels;
  const co = info.outChannels;
  const image = info.inHeight * info.inWidth * info.inChannels;
  const chunks = batchChunks(info.batchSize, pixels * k);
  return produceOnHeap(args, info.outShape, [[Math.max(1, (chunks[0]?.[1] ?? 0) * pixels * k)]], (out, [cols]) => {
    const epilogue = epilogueOf(args, co);
    if (epilogue === undefined) return false;
    for (const [b, nb] of chunks) {
      im2col(kernels, args.backend, x, b * image, { ...convGeometry(info), n: nb }, cols!);
      // The product lands in the output's place on the heap.
      const into = heap(backend, out).subarray(b * pixels * co, (b + nb) * pixels * co);
      if (!gemm(heap(backend, cols!).subarray(0, nb * pixels * k), heap(backend, filter), nb * pixels, k, co, false, false, epilogue, into)) return false;
    }
    return true;
  });
}

/** dW[(kh, kw, ci), co] = im2col(x)ᵀ · dy[(b, oh, ow), co], summed over chunks in a fixed order. */
function conv2dBackpropFilter(args: KernelArgs): TensorInfo | null {
  const x = input(args.inputs, 'x');
  const dy = input(args.inputs, 'dy');
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } = args.attrs as unknown as Conv2DBackpropFilterAttrs;
  if (!handled(dataFormat, 1, x, dy)) return null;
  const kernels = heapKernels(args.backend, x);
  if (!kernels) return null;
  const info = convInfo(x.shape, filterShape, strides, pad, dimRoundingMode);
  // A 1–4 channel image side too: 2–3× faster than small-channels.ts' JavaScript gather
  // (2026-12-04: 0.69 against 1.5–2.1 ms at [64,28,28,1] to 32 channels, 4.3 against 8.1–8.8 ms at 64 px).
  if (dy.shape.join() !== info.outShape.join()) return null;
  const backend = backendOf(args);
  const pixels = info.outHeight * info.outWidth;
  const k = info.filterHeight * info.filterWidth * info.inChannels;
  const co = info.outChannels;
  const image = info.inHeight * info.inWidth * info.inChannels;
  const chunks = batchChunks(info.batchSize, pixels * k);
  const sum = new Float32Array(chunks.length > 1 ? k * co : 0);
  let dw: Float32Array | null = null;
  const cols = allocateOnHeap(args.backend, [Math.max(1, (chunks[0]?.[1] ?? 0) * pixels * k)]);
  try {
    for (const [b, nb] of chunks) {
      im2col(kernels, args.backend, x, b * image, { ...convGeometry(info), n: nb }, cols);
      const dyChunk = heap(backend, dy).subarray(b * pixels * co, (b + nb) * pixels * co);
      dw = gemm(heap(backend, cols).subarray(0, nb * pixels * k), dyChunk, k, nb * pixels, co, true);
      if (!dw) return null;
      if (chunks.length > 1) for (let i = 0; i < sum.length; i++) sum[i]! += dw[i]!;
    }
  } finally {
    backend.disposeData(cols.dataId);
  }
  // No images (an empty batch): the gradient is zero.
  return uploadToHeap(args.backend, [...filterShape], chunks.length > 1 ? sum : (dw ?? new Float32Array(k * co)));
}

/**
 * Conv2DBackpropInput (a transposed convolution) split by output phase: output row h of phase
 * a = (h + top) mod s only meets filter rows a, a + s, …, so every phase is a stride-1 correlation
 * of dy with a T×T sub-filter (T = k / s), exactly as many rows as the phase has:
 *
 *   phase_ab[(b, Q, R), ci] = im2col_T(dy, shifted for the phase)[(b, Q, R), (u, v, co)] · W_abᵀ
 *
 * one GEMM per phase, its result scattered into every s-th row and column of dx. For k % s = 0 (every
 * layer of the course's models) below COL2IM_MACS; a 1–4 channel image side, bigger products and
 * other shapes take the col2im form (conv2dBackpropInputCol2im).
 */
function conv2dBackpropInput(args: KernelArgs): TensorInfo | null {
  const dy = input(args.inputs, 'dy');
  const filter = input(args.inputs, 'filter');
  const { inputShape, strides, pad, dataFormat, dimRoundingMode } = args.attrs as unknown as Conv2DBackpropInputAttrs;
  if (!handled(dataFormat, 1, dy, filter)) return null;
  const info = convInfo(inputShape, filter.shape, strides, pad, dimRoundingMode);
  if (dy.shape.join() !== info.outShape.join()) return null;
  const { strideHeight: sH, strideWidth: sW, filterHeight: kH, filterWidth: kW, inChannels: ci, outChannels: co } = info;
  const { batchSize: n, inHeight: h, inWidth: w, outHeight: oH, outWidth: oW } = info;
  const { top, left } = info.padInfo;
  const kernels = heapKernels(args.backend, dy);
  if (!kernels) return null;
  const macs = n * oH * oW * co * kH * kW * ci;
  if (ci <= SMALL_CHANNELS || macs >= COL2IM_MACS || kH % sH !== 0 || kW % sW !== 0) return conv2dBackpropInputCol2im(args, kernels, info, dy, filter);
  const tH = kH / sH;
  const tW = kW / sW;
  const k = tH * tW * co;
  // Phase a's rows are h = s·Q + a − top for Q in [first, first + count): those inside [0, h).
  const span = (a: number, s: number, pad: number, size: number) => {
    const first = Math.ceil((pad - a) / s);
    return { first, count: Math.max(0, Math.floor((pad + size - 1 - a) / s) - first + 1) };
  };
  const backend = backendOf(args);
  const dyImage = oH * oW * co;
  const dxImage = h * w * ci;
  const perImage = Math.ceil(h / sH) * Math.ceil(w / sW) * k;
  const chunks = batchChunks(n, perImage);
  // dx, and room in the heap for one phase's columns and product.
  const phaseRows = Math.max(0, ...chunks.map(([, nb]) => nb)) * Math.ceil(h / sH) * Math.ceil(w / sW);
  return produceOnHeap(args, [...inputShape], [[Math.max(1, phaseRows * k)], [Math.max(1, phaseRows * ci)]], (out, [cols, phaseOut]) => {
    const weights = phaseWeights(heap(backend, filter), kH, kW, ci, co, sH, sW);
    for (const [b, nb] of chunks) {
      for (let a = 0; a < sH; a++) {
        const rows = span(a, sH, top, h);
        for (let p = 0; p < sW; p++) {
          const columns = span(p, sW, left, w);
          if (rows.count === 0 || columns.count === 0) continue;
          // Window (u, v) of phase row Q reads dy row Q − (T − 1) + u.
          const window = { n: nb, h: oH, w: oW, c: co, kH: tH, kW: tW, sH: 1, sW: 1, top: tH - 1 - rows.first, left: tW - 1 - columns.first, outH: rows.count, outW: columns.count };
          im2col(kernels, args.backend, dy, b * dyImage, window, cols!);
          const subFilter = weights.subarray((a * sW + p) * ci * k, (a * sW + p + 1) * ci * k);
          const m = nb * rows.count * columns.count;
          if (!gemm(heap(backend, cols!).subarray(0, m * k), subFilter, m, k, ci, false, true, null, heap(backend, phaseOut!).subarray(0, m * ci))) return false;
          const placement = { n: nb, h, w, c: ci, rows: rows.count, cols: columns.count, y0: sH * rows.first + a - top, x0: sW * columns.first + p - left, sH, sW };
          scatterPhase(kernels, args.backend, phaseOut!, out, b * dxImage, placement);
        }
      }
    }
    return true;
  });
}

/** From this many multiply-adds on, the col2im form beats the phases (below). */
const COL2IM_MACS = 1 << 30;

/**
 * Conv2DBackpropInput as one product over the wide side, then col2im adding the windows up:
 *
 *   cols[(b, oh, ow), (kh, kw, ci)] = dy[(b, oh, ow), co] · W[(kh, kw, ci), co]ᵀ;  dx = col2im(cols)
 *
 * The same multiply-adds as the phases, in one product kH·kW·ci wide instead of sH·sW products ci
 * wide. Measured 2026-12-04 (2 threads):
 *  - a 1–4 channel image side (a generator's last layer, a discriminator's first), where phases
 *    would be GEMVs: [64,32,32,64] to one 64-px channel 4.6–5.4 ms, against 7.6–8.2 for
 *    small-channels.ts' JavaScript scatter and 38–42 for phases;
 *  - DCGAN-64's wide layers (2.1·10⁹ multiply-adds each): [64,16,16,128] to 64 channels 45–53
 *    against 53–57 ms, [64,8,8,256] to 128 34–50 against 49–78, [64,4,4,512] to 256 26–29 against
 *    37–43;
 *  - but DCGAN-28's (0.1–0.4·10⁹) level or slower: [64,7,7,128] to 64 7.8–10.9 against 6.5–6.9.
 */
function conv2dBackpropInputCol2im(args: KernelArgs, kernels: WasmKernels, info: ConvInfo, dy: TensorInfo, filter: TensorInfo): TensorInfo | null {
  const backend = backendOf(args);
  const { batchSize: n, inHeight: h, inWidth: w, inChannels: ci, outChannels: co, outHeight: oH, outWidth: oW } = info;
  const k = info.filterHeight * info.filterWidth * ci;
  const pixels = oH * oW;
  const chunks = batchChunks(n, pixels * k);
  return produceOnHeap(args, [n, h, w, ci], [[Math.max(1, (chunks[0]?.[1] ?? 0) * pixels * k)]], (out, [cols]) => {
    for (const [b, nb] of chunks) {
      const rows = nb * pixels;
      const dyChunk = heap(backend, dy).subarray(b * pixels * co, (b + nb) * pixels * co);
      if (!gemm(dyChunk, heap(backend, filter), rows, co, k, false, true, null, heap(backend, cols!).subarray(0, rows * k))) return false;
      col2imAdd(kernels, args.backend, cols!, out, b * h * w * ci, { ...convGeometry(info), n: nb });
    }
    return true;
  });
}

/** Products smaller than this many multiply-adds stay in wasm (a graph call costs ~20–50 µs). */
const MIN_GEMM_MACS = 1 << 18;

/** BatchMatMul and _FusedMatMul without a batch (or a batch of one): dense layers; either operand
 *  transposed. */
function batchMatMul(args: KernelArgs): TensorInfo | null {
  const a = input(args.inputs, 'a');
  const b = input(args.inputs, 'b');
  const { transposeA, transposeB } = args.attrs as unknown as BatchMatMulAttrs;
  const rank = a.shape.length;
  const single = (t: TensorInfo) => t.shape.length === rank && t.shape.slice(0, -2).every((d) => d === 1);
  if (!handled('NHWC', 1, a, b) || rank < 2 || !single(a) || !single(b)) return null;
  const [a1, a2] = a.shape.slice(-2) as [number, number];
  const [b1, b2] = b.shape.slice(-2) as [number, number];
  const [m, k] = transposeA ? [a2, a1] : [a1, a2];
  const n = transposeB ? b1 : b2;
  if ((transposeB ? b2 : b1) !== k || m * k * n < MIN_GEMM_MACS) return null;
  const epilogue = epilogueOf(args, n);
  if (epilogue === undefined) return null;
  const backend = backendOf(args);
  const c = gemm(plain(heap(backend, a), 'operand'), plain(heap(backend, b), 'operand2'), m, k, n, transposeA, transposeB, epilogue);
  return c && uploadToHeap(args.backend, [...a.shape.slice(0, -2), m, n], c);
}

/** Reductions smaller than this stay in wasm. */
const MIN_REDUCE = 1 << 16;

/**
 * Sum and Mean over leading axes (batch norm's statistics and gradients: NHWC reduced over N, H,
 * W). tfjs-wasm transposes the reduced axes to the end first, a full copy; ONNX Runtime reduces a
 * [rows, C] matrix over its rows in place. On one thread: it is memory-bound, and waking a pool
 * for it cost a DCGAN-28 step 108 → 133 ms (2026-12-04).
 */
function reduceLeading(op: 'ReduceSum' | 'ReduceMean') {
  return (args: KernelArgs): TensorInfo | null => {
    const x = input(args.inputs, 'x');
    const { axis, keepDims } = args.attrs as unknown as { axis: number | number[]; keepDims: boolean };
    const rank = x.shape.length;
    const axes = (Array.isArray(axis) ? axis : [axis]).map((a) => (a < 0 ? a + rank : a)).sort((p, q) => p - q);
    if (!handled('NHWC', 1, x) || axes.length === 0 || axes.length === rank || !axes.every((a, i) => a === i)) return null;
    const size = tf.util.sizeFromShape(x.shape);
    if (size < MIN_REDUCE) return null;
    const cols = tf.util.sizeFromShape(x.shape.slice(axes.length));
    const rows = size / cols;
    const graph = graphFor(op, () => {
      const g = new OnnxGraph();
      g.input('x', ['rows', 'cols']);
      if (op === 'ReduceSum') g.op('ReduceSum', ['x', g.int64s([0])], { keepdims: 0 }, 'y');
      else g.op('ReduceMean', ['x'], { axes: [0], keepdims: 0 }, 'y');
      g.output('y', ['cols']);
      return { graph: g, inputs: ['x'], output: 'y' };
    }, 1);
    if (!graph) return null;
    const backend = backendOf(args);
    const y = scratch('reduced', cols);
    try {
      graph.run([{ data: plain(heap(backend, x), 'operand'), dims: [rows, cols] }], { data: y, dims: [cols] });
    } catch {
      return null;
    }
    const outShape = keepDims ? x.shape.map((d, i) => (i < axes.length ? 1 : d)) : x.shape.slice(axes.length);
    return uploadToHeap(args.backend, outShape, y);
  };
}

const ortKernels: Record<string, (args: KernelArgs) => TensorInfo | null> = {
  [tf.Conv2D]: conv2d,
  [tf.Conv2DBackpropFilter]: conv2dBackpropFilter,
  [tf.Conv2DBackpropInput]: conv2dBackpropInput,
  [tf.BatchMatMul]: batchMatMul,
  [tf._FusedMatMul]: batchMatMul,
  [tf.FusedConv2D]: conv2d,
  [tf.Sum]: reduceLeading('ReduceSum'),
  [tf.Mean]: reduceLeading('ReduceMean'),
};

/** Kernel names ONNX Runtime takes over on wasm when it is loaded. */
export const ORT_KERNEL_NAMES = Object.keys(ortKernels);

/**
 * `fallback` (the engine's or the stock wasm kernel) with ONNX Runtime in front: used whenever the
 * runtime is loaded and handles the shape.
 */
export function withOrt(kernelName: string, fallback: KernelFunc): KernelFunc {
  const ort = ortKernels[kernelName];
  if (!ort) return fallback;
  return (args) => {
    const out = ort(args as KernelArgs);
    if (!out) return fallback(args);
    ortCalls.set(kernelName, (ortCalls.get(kernelName) ?? 0) + 1);
    return out;
  };
}

/** How often each kernel ran on ONNX Runtime in this process (tests and the profile check it). */
export const ortCalls = new Map<string, number>();

export function ortKernelConfig(base: KernelConfig): KernelConfig {
  return { ...base, kernelFunc: withOrt(base.kernelName, base.kernelFunc) };
}
