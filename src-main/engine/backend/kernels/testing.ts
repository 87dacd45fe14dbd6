/** Shared helpers for the kernel and ops tests: backend setup, stock references, comparisons. */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import type { KernelBackend, NamedAttrMap, NamedTensorInfoMap } from '@tensorflow/tfjs-core';
import { ensureGradientsRegistered } from '../../ops/gradients';
import { registerTrainingKernels, restoreStockKernels, type TrainingBackendName } from './index';
import { stockKernel } from './runner';

export const BACKENDS: TrainingBackendName[] = ['wasm', 'cpu'];

/** Initialises both backends and registers the training kernels on both. */
export async function setUpBackends(): Promise<void> {
  await ensureGradientsRegistered();
  for (const name of BACKENDS) {
    if (!(await tf.setBackend(name))) throw new Error(`backend ${name} failed to initialise`);
    await tf.ready();
    registerTrainingKernels(name);
  }
}

export function onBackend<T>(name: string, f: () => T): T {
  const previous = tf.getBackend();
  tf.setBackend(name);
  try {
    return f();
  } finally {
    tf.setBackend(previous);
  }
}

/** Runs `f` with the stock kernels of `name` registered, then puts ours back. */
export function withStockKernels<T>(name: TrainingBackendName, f: () => T): T {
  restoreStockKernels(name);
  try {
    return f();
  } finally {
    registerTrainingKernels(name);
  }
}

/** Runs tfjs' own cpu kernel directly on the cpu backend, returning a copy of its output. */
export function stockCpu(kernelName: string, inputs: Record<string, number[][][][]>, attrs: NamedAttrMap): { values: Float32Array; shape: number[] } {
  return onBackend('cpu', () =>
    tf.tidy(() => {
      const config = stockKernel(kernelName, 'cpu');
      if (!config) throw new Error(`no stock cpu ${kernelName}`);
      const tensors: NamedTensorInfoMap = {};
      for (const [k, v] of Object.entries(inputs)) tensors[k] = tf.tensor4d(v);
      const backend = tf.backend() as KernelBackend;
      const out = config.kernelFunc({ inputs: tensors, backend, attrs });
      if (Array.isArray(out)) throw new Error('unexpected multi-output');
      const values = (backend.readSync(out.dataId) as Float32Array).slice();
      backend.disposeData(out.dataId);
      return { values, shape: out.shape };
    }),
  );
}

/** max |a − b| / max(1, max |b|): a relative error that does not explode near zero. */
export function relError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  if (actual.length !== expected.length) return Infinity;
  let diff = 0;
  let scale = 1;
  for (let i = 0; i < expected.length; i++) {
    diff = Math.max(diff, Math.abs(actual[i]! - expected[i]!));
    scale = Math.max(scale, Math.abs(expected[i]!));
  }
  return diff / scale;
}

/** Deterministic pseudo-random nested array, so both backends get identical inputs. */
export function randomArray4(shape: [number, number, number, number], seed: number): number[][][][] {
  let s = seed >>> 0 || 1;
  const next = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32 - 0.5;
  };
  const [a, b, c, d] = shape;
  return Array.from({ length: a }, () =>
    Array.from({ length: b }, () => Array.from({ length: c }, () => Array.from({ length: d }, next))),
  );
}

export function dataIdCount(): number {
  return (tf.backend() as KernelBackend).numDataIds();
}
