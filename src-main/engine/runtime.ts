/**
 * What every engine entry point (engine process, CLI, benchmarks) does first: register tfjs'
 * gradients, pick the best backend and give it the kernels GAN training needs.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { BackendPreference, BackendReport } from '../api/schemas';
import { selectBackend } from './backend/select';
import { registerTrainingKernels } from './backend/kernels';
import { ensureGradientsRegistered } from './ops/gradients';

export async function initRuntime(preference: BackendPreference = 'auto'): Promise<BackendReport> {
  // Production mode: no debug-only checks, and no console banner urging tfjs-node on the cpu backend
  // (the app already says which backend runs and why).
  tf.env().set('PROD', true);
  await ensureGradientsRegistered();
  return selectBackend({
    preference,
    // TensorFlow's own kernels are complete and fast; only wasm and cpu need the engine's.
    registerKernels: (name) => (name === 'tensorflow' ? [] : registerTrainingKernels(name)),
  });
}
