/** BatchMatMul for the cpu backend on sgemm (tfjs-cpu's blocked loop runs at ~0.3 GFLOP/s). */
import * as tf from '@tensorflow/tfjs-core';
import type { BatchMatMulAttrs, KernelConfig } from '@tensorflow/tfjs-core';
import { input, withRunner, type KernelArgs } from '../runner';
import { sgemm, type MatrixView } from './gemm';

export function cpuBatchMatMulConfig(): KernelConfig {
  const backendName = 'cpu';
  return {
    kernelName: tf.BatchMatMul,
    backendName,
    kernelFunc: (args) =>
      withRunner(args as KernelArgs, backendName, (r) => {
        const a = input(args.inputs, 'a');
        const b = input(args.inputs, 'b');
        const { transposeA, transposeB } = args.attrs as unknown as BatchMatMulAttrs;
        if (a.dtype !== 'float32' || b.dtype !== 'float32') return r.runStock(tf.BatchMatMul, { a, b }, args.attrs);
        const ra = a.shape.length;
        const rb = b.shape.length;
        const m = transposeA ? a.shape[ra - 1]! : a.shape[ra - 2]!;
        const k = transposeA ? a.shape[ra - 2]! : a.shape[ra - 1]!;
        const kb = transposeB ? b.shape[rb - 1]! : b.shape[rb - 2]!;
        const n = transposeB ? b.shape[rb - 2]! : b.shape[rb - 1]!;
        if (k !== kb) throw new Error(`matMul: inner dimensions ${k} and ${kb} of [${a.shape}] and [${b.shape}] differ`);
        const outer = tf.broadcast_util.assertAndGetBroadcastShape(a.shape.slice(0, -2), b.shape.slice(0, -2));
        const batchA = tf.util.sizeFromShape(a.shape.slice(0, -2));
        const batchB = tf.util.sizeFromShape(b.shape.slice(0, -2));
        const batch = Math.max(batchA, batchB);
        const av = r.read(a) as Float32Array;
        const bv = r.read(b) as Float32Array;
        const out = new Float32Array(batch * m * n);
        for (let i = 0; i < batch; i++) {
          // Same batch pairing as tfjs-cpu: index modulo each operand's batch size.
          const aView: MatrixView = { data: av, offset: (i % batchA) * m * k, rowStride: transposeA ? 1 : k, colStride: transposeA ? m : 1 };
          const bView: MatrixView = { data: bv, offset: (i % batchB) * k * n, rowStride: transposeB ? 1 : n, colStride: transposeB ? k : 1 };
          sgemm(m, n, k, aView, bView, out, i * m * n);
        }
        return r.fromValues([...outer, m, n], out);
      }),
  };
}
