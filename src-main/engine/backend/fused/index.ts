/**
 * Fused operations: the few places where a training step runs a chain of tfjs ops that one pass
 * over the data can do (training batch norm forward and backward, leaky ReLU, moving averages,
 * Adam). On webgpu each is a shader (kernels/webgpu/), because a step there is bound by the CPU
 * cost of each dispatch; on wasm a WebAssembly SIMD loop over the backend's own heap (./wasm.ts,
 * ../wasm-kernels), because these chains are bound by memory traffic, one full read and write
 * of the tensor per op; on cpu a JavaScript loop over the backend's arrays (./host.ts). (Also tried
 * on wasm and slower than op by op: JavaScript loops over its heap, and ONNX Runtime graphs of the
 * same arithmetic, 2026-12-04.) The op-by-op forms stay for tensorflow, and when fusing is off:
 * `GAN_STUDIO_FUSED=0`, or setFusedOps(false) (bench/gpu-check.ts --stock-kernels times the
 * difference in one run).
 *
 * Every operation takes and returns TensorInfos on the active backend; the caller owns the results.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { TensorInfo } from '@tensorflow/tfjs-core';
import { hostFusedOps } from './host';
import { webgpuFusedOps } from './webgpu';
import { wasmFusedOps } from './wasm';

export interface AdamTensors {
  w: TensorInfo;
  m: TensorInfo;
  v: TensorInfo;
  g: TensorInfo;
  /** β1ᵗ and β2ᵗ for this step t (tf.train.adam's accBeta1/2). */
  accB1: TensorInfo;
  accB2: TensorInfo;
}

export interface AdamHyper {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
}

export interface FusedOps {
  /** Per-channel (last axis) mean and biased variance over all other axes, as one [2, C] tensor. */
  moments(x: TensorInfo): TensorInfo;
  /** x̂·γ + β with x̂ = (x − μ)·rsqrt(σ² + ε), μ and σ² from `stats` ([2, C]). */
  normalize(x: TensorInfo, stats: TensorInfo, gamma: TensorInfo, beta: TensorInfo, epsilon: number): TensorInfo;
  /** Σ dy and Σ dy·x̂ per channel: batch norm's ∂L/∂β and ∂L/∂γ. */
  gradSums(dy: TensorInfo, x: TensorInfo, stats: TensorInfo, epsilon: number): [dBeta: TensorInfo, dGamma: TensorInfo];
  /** γ·r·(dy − Σdy / n − x̂ · Σdy·x̂ / n), r = rsqrt(σ² + ε), n values per channel: batch norm's ∂L/∂x. */
  inputGrad(dy: TensorInfo, x: TensorInfo, stats: TensorInfo, gamma: TensorInfo, dBeta: TensorInfo, dGamma: TensorInfo, epsilon: number): TensorInfo;
  /** Leaky ReLU's value, or its slope (1 above 0, α below, 0 at 0), elementwise. */
  leakyRelu(x: TensorInfo, alpha: number, output: 'value' | 'slope'): TensorInfo;
  /** target·keep + source·(1 − keep), `source` read from element `offset` on. */
  movingAverage(target: TensorInfo, source: TensorInfo, keep: number, offset: number): TensorInfo;
  /** One Adam update, tf.train.adam's arithmetic in its order: new weights and moments. */
  adam(t: AdamTensors, h: AdamHyper): { w: TensorInfo; m: TensorInfo; v: TensorInfo };
}

const state = { enabled: process.env.GAN_STUDIO_FUSED !== '0' };

export function setFusedOps(enabled: boolean): void {
  state.enabled = enabled;
}

export function fusedOpsEnabled(): boolean {
  return state.enabled;
}

/** The fused operations of the active backend, or null (fusing off, or a backend without them). */
export function fusedOps(): FusedOps | null {
  if (!state.enabled) return null;
  const name = tf.getBackend();
  if (name !== 'webgpu' && name !== 'cpu' && name !== 'wasm') return null;
  // Asked for by every fused layer and variable of a step: built once per backend instance.
  const backend = tf.backend();
  if (!built.has(backend)) built.set(backend, name === 'webgpu' ? webgpuFusedOps(backend) : name === 'wasm' ? wasmFusedOps(backend) : hostFusedOps(backend));
  return built.get(backend) ?? null;
}

/** null: a backend whose fused operations cannot be built (op by op there). */
const built = new WeakMap<object, FusedOps | null>();

/** A tensor (tracked by the engine, so tidy disposes it) around an operation's result. */
export function tensorOf<T extends tf.Tensor = tf.Tensor>(info: TensorInfo): T {
  return tf.engine().makeTensorFromTensorInfo(info) as T;
}
