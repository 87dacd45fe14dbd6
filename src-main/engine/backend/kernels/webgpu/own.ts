/**
 * Whether the engine's own webgpu programs run: the fused Adam, batch norm and moving averages, and
 * uploads through queue.writeBuffer. On by default; off leaves tfjs' stock path everywhere
 * (bench/gpu-check.ts --stock-kernels times the difference in one run).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';

const state = { enabled: true };

export function setOwnWebgpuPrograms(enabled: boolean): void {
  state.enabled = enabled;
}

export function ownWebgpuProgramsEnabled(): boolean {
  return state.enabled;
}

/** The active backend when it is webgpu and the engine's programs are on; null otherwise. */
export function ownWebgpuBackend(): WebGPUBackend | null {
  return state.enabled && tf.getBackend() === 'webgpu' ? (tf.backend() as unknown as WebGPUBackend) : null;
}

/** A tensor (tracked by the engine, so tidy disposes it) around a program's output. */
export function tensorOf<T extends tf.Tensor = tf.Tensor>(info: tf.TensorInfo): T {
  return tf.engine().makeTensorFromTensorInfo(info) as T;
}
