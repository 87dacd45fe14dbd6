/**
 * What every engine entry point (engine process, CLI, benchmarks) does first: register tfjs'
 * gradients, pick the best backend and give it the kernels GAN training needs.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { BackendPreference, BackendReport } from '../api/schemas';
import { selectBackend } from './backend/select';
import { hasTrainingKernels, registerTrainingKernels } from './backend/kernels';
import { ensureGradientsRegistered } from './ops/gradients';
import { defaultThreads, yieldPriorityWhenBusy, type ParallelMode } from './backend/threads';
import { tuneHeapGrowth } from './heap-growth';

export interface RuntimeOptions {
  /** Threads for the wasm backend (see backend/threads.ts resolveThreads; default: defaultThreads()). */
  threads?: number;
  /**
   * Threads for ONNX Runtime's products when they differ from `threads`: a data-parallel lead
   * computes its training step on one thread (withOrtThreadCap) and its sample grids and evaluation
   * on all of them, while tfjs-wasm stays on its single-thread build.
   */
  ortThreads?: number;
  /** Writable folder for the wasm pthread worker scripts (default: a temporary folder). */
  workerDir?: string;
  /** false: train on the engine thread even on a CPU backend (training/thread.ts; for comparisons). */
  trainingThread?: boolean;
  /** How a CPU training run uses the threads (backend/threads.ts; default: replicas). */
  parallel?: ParallelMode;
}

export async function initRuntime(preference: BackendPreference = 'auto', options: RuntimeOptions = {}): Promise<BackendReport> {
  // Production mode: no debug-only checks, and no console banner urging tfjs-node on the cpu backend
  // (the app already says which backend runs and why).
  tf.env().set('PROD', true);
  // Full GCs at most every doubling of the heap, not on each step's ONNX Runtime copies.
  tuneHeapGrowth();
  await ensureGradientsRegistered();
  const threads = options.threads ?? defaultThreads();
  // Before the pool starts, so its threads inherit the lower priority.
  if (preference === 'auto' || preference === 'wasm') yieldPriorityWhenBusy(threads);
  return selectBackend({
    preference,
    threads,
    ...(options.ortThreads ? { ortThreads: options.ortThreads } : {}),
    workerDir: options.workerDir,
    // TensorFlow's own kernels are complete and fast; wasm, cpu and webgpu get some of the engine's.
    registerKernels: (name) => (hasTrainingKernels(name) ? registerTrainingKernels(name) : []),
  });
}
