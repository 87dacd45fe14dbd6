/**
 * BatchMatMul and _FusedMatMul with transposed operands. tfjs-wasm multiplies fast (XNNPACK) only
 * when neither operand is transposed; with transposeA or transposeB it is 10–15× slower (64×100
 * by 100×6272: 6.5 ms plain, 65–69 ms transposed). Every matmul gradient is a transposed product,
 * so dense layers train at a tenth of the speed. Transposing the operand first costs ~1–3 ms.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { BatchMatMulAttrs, KernelConfig, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { input, withRunner, type KernelArgs, type KernelRunner } from './runner';

function swapLastTwo(r: KernelRunner, t: TensorInfo): TensorInfo {
  const rank = t.shape.length;
  const perm = Array.from({ length: rank }, (_, i) => i);
  perm[rank - 2] = rank - 1;
  perm[rank - 1] = rank - 2;
  return r.transpose(t, perm);
}

function matMulConfig(kernelName: string, backendName: string): KernelConfig {
  return {
    kernelName,
    backendName,
    kernelFunc: (args) =>
      withRunner(args as KernelArgs, backendName, (r) => {
        const attrs = args.attrs as unknown as BatchMatMulAttrs;
        const a = input(args.inputs, 'a');
        const b = input(args.inputs, 'b');
        const plain = { ...args.attrs, transposeA: false, transposeB: false } as NamedAttrMap;
        return r.runStock(
          kernelName,
          { ...args.inputs, a: attrs.transposeA ? swapLastTwo(r, a) : a, b: attrs.transposeB ? swapLastTwo(r, b) : b },
          attrs.transposeA || attrs.transposeB ? plain : args.attrs,
        );
      }),
  };
}

export const batchMatMulConfig = (backendName: string) => matMulConfig(tf.BatchMatMul, backendName);
export const fusedMatMulConfig = (backendName: string) => matMulConfig(tf._FusedMatMul, backendName);
