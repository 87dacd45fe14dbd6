/**
 * The fused operations on the wasm backend: the WebAssembly SIMD loops of ../wasm-kernels, which
 * read and write the backend's tensors in place, one pass where the op-by-op forms take one per op
 * (Adam over 11M weights: 34–43 against 92–99 ms, 2026-12-04).
 *
 * Per-channel values the kernels need (batch norm's 1/σ and the like: C floats each) are computed
 * here and put in a scratch tensor on the heap for the call.
 */
import type { KernelBackend, TensorInfo } from '@tensorflow/tfjs-core';
import type { AdamHyper, AdamTensors, FusedOps } from '.';
import { allocateAllOnHeap, allocateOnHeap, wasmKernels } from '../wasm-kernels';

const f = Math.fround;

interface WasmBackendLike {
  typedArrayFromHeap(t: TensorInfo): Float32Array;
  makeOutput(shape: number[], dtype: 'float32'): TensorInfo;
  disposeData(dataId: object): boolean;
}

/** The fused operations on `backend`'s heap; null when its memory cannot be reached (op by op then). */
export function wasmFusedOps(kernelBackend: KernelBackend): FusedOps | null {
  const k = wasmKernels(kernelBackend);
  if (!k) return null;
  const backend = kernelBackend as unknown as WasmBackendLike;

  const at = (t: TensorInfo) => backend.typedArrayFromHeap(t).byteOffset;
  const alloc = (shape: number[]) => allocateOnHeap(kernelBackend, shape);
  /** Runs `body` with a heap scratch of `values` (written first) and frees it. */
  const withScratch = <T>(length: number, values: Float32Array[] | null, body: (offset: number) => T): T => {
    const scratch = alloc([Math.max(1, length)]);
    try {
      if (values) {
        const view = backend.typedArrayFromHeap(scratch);
        let o = 0;
        for (const v of values) view.set(v, (o += v.length) - v.length);
      }
      return body(at(scratch));
    } finally {
      backend.disposeData(scratch.dataId);
    }
  };
  /** Allocates outputs of `shapes` and runs `body` to fill them; frees them if anything throws. */
  const produce = (shapes: number[][], body: (outputs: TensorInfo[]) => void): TensorInfo[] => {
    const outputs = allocateAllOnHeap(kernelBackend, shapes);
    try {
      body(outputs);
      return outputs;
    } catch (error) {
      for (const o of outputs) backend.disposeData(o.dataId);
      throw error;
    }
  };
  const channelsOf = (x: TensorInfo) => x.shape[x.shape.length - 1]!;
  const sizeOf = (x: TensorInfo) => x.shape.reduce((a, b) => a * b, 1);
  /** The statistics [2, C] as JS arrays: C means, then C variances. */
  const statsOf = (stats: TensorInfo) => backend.typedArrayFromHeap(stats).slice();
  /** 1/√(σ² + ε) per channel, rounded as tfjs-wasm's rsqrt of tf.add(variance, ε) (√, then 1/·). */
  const rstdOf = (stats: Float32Array, channels: number, epsilon: number) => {
    const r = new Float32Array(channels);
    for (let c = 0; c < channels; c++) r[c] = f(1 / f(Math.sqrt(f(stats[channels + c]! + f(epsilon)))));
    return r;
  };

  return {
    moments(x) {
      const C = channelsOf(x);
      const [stats] = produce([[2, C]], ([out]) => withScratch(4 * C, null, (acc) => k.bn_moments(at(x), sizeOf(x) / C, C, acc, at(out!))));
      return stats!;
    },

    normalize(x, stats, gamma, beta, epsilon) {
      const C = channelsOf(x);
      const r = rstdOf(statsOf(stats), C, epsilon);
      const [y] = produce([x.shape], ([out]) => withScratch(C, [r], (rAt) => k.bn_normalize(at(x), at(out!), sizeOf(x) / C, C, at(stats), rAt, at(gamma), at(beta))));
      return y!;
    },

    gradSums(dy, x, stats, epsilon) {
      const C = channelsOf(x);
      const r = rstdOf(statsOf(stats), C, epsilon);
      // Σ dy and Σ dy·x̂ as 2·C float64s after r, then rounded to float32 for the outputs.
      const sums = withScratch(C + 4 * C, [r], (rAt) => {
        const acc = rAt + 4 * C;
        k.bn_grad_sums(at(dy), at(x), sizeOf(x) / C, C, at(stats), rAt, acc);
        const heap = backend.typedArrayFromHeap(dy).buffer;
        return new Float64Array(heap.slice(acc, acc + 16 * C));
      });
      const [dBeta, dGamma] = produce([[C], [C]], ([db, dg]) => {
        backend.typedArrayFromHeap(db!).set(sums.subarray(0, C));
        backend.typedArrayFromHeap(dg!).set(sums.subarray(C));
      });
      return [dBeta!, dGamma!];
    },

    inputGrad(dy, x, stats, gamma, dBeta, dGamma, epsilon) {
      const C = channelsOf(x);
      const n = sizeOf(x) / C;
      const r = rstdOf(statsOf(stats), C, epsilon);
      const g = backend.typedArrayFromHeap(gamma);
      const meanDy = backend.typedArrayFromHeap(dBeta).map((v) => f(v / n));
      const meanDyXhat = backend.typedArrayFromHeap(dGamma).map((v) => f(v / n));
      const scale = g.map((v, c) => f(v * r[c]!));
      const [dx] = produce([x.shape], ([out]) =>
        withScratch(4 * C, [r, meanDy, meanDyXhat, scale], (p) => k.bn_input_grad(at(dy), at(x), at(out!), n, C, at(stats), p, p + 4 * C, p + 8 * C, p + 12 * C)),
      );
      return dx!;
    },

    leakyRelu(x, alpha, output) {
      const [y] = produce([x.shape], ([out]) => (output === 'value' ? k.leaky_value : k.leaky_slope)(at(x), at(out!), sizeOf(x), f(alpha)));
      return y!;
    },

    movingAverage(target, source, keep, offset) {
      const [y] = produce([target.shape], ([out]) => k.moving_average(at(target), at(source) + 4 * offset, at(out!), sizeOf(target), f(keep), f(1 - keep)));
      return y!;
    },

    adam(t: AdamTensors, h: AdamHyper) {
      const n = sizeOf(t.w);
      const acc1 = backend.typedArrayFromHeap(t.accB1)[0]!;
      const acc2 = backend.typedArrayFromHeap(t.accB2)[0]!;
      const [w, m, v] = produce([t.w.shape, t.w.shape, t.w.shape], ([ow, om, ov]) =>
        k.adam(at(t.w), at(t.m), at(t.v), at(t.g), at(ow!), at(om!), at(ov!), n, f(h.beta1), f(1 - h.beta1), f(h.beta2), f(1 - h.beta2), f(1 - acc1), f(1 - acc2), f(h.epsilon), f(-h.learningRate)),
      );
      return { w: w!, m: m!, v: v! };
    },
  };
}
