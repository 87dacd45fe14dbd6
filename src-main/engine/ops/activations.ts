/**
 * Activations built only from ops whose gradients are themselves differentiable on every backend,
 * so they survive the second-order gradient of WGAN-GP's penalty. tfjs' own leakyRelu, prelu,
 * relu6, selu, clipByValue and maximum/minimum have gradients built on comparison ops (Greater,
 * Less, LessEqual, LogicalAnd) that tfjs gives no gradient; they only work to second order once
 * registerSecondOrderGradients (./second-order, run by ensureGradientsRegistered) has run. These
 * do not depend on that.
 */
import * as tf from '@tensorflow/tfjs-core';
import { ownWebgpuBackend } from '../backend/kernels/webgpu/own';
import { webgpuLeakyRelu } from '../backend/kernels/webgpu/leaky-relu';

/** Leaky ReLU as relu(x) − α·relu(−x); equal to tf.leakyRelu(x, α) for 0 ≤ α ≤ 1. One kernel on webgpu. */
export function leakyRelu<T extends tf.Tensor>(x: T, alpha = 0.2): T {
  const gpu = ownWebgpuBackend();
  if (gpu && alpha >= 0 && alpha <= 1) return webgpuLeakyRelu(gpu, x, alpha);
  return tf.tidy(() => tf.sub(tf.relu(x), tf.mul(tf.relu(tf.neg(x)), alpha))) as T;
}

/** softplus(x) = log(1 + eˣ), computed as relu(x) + log1p(e^−|x|) so large |x| neither overflows nor loses precision. */
export function softplus<T extends tf.Tensor>(x: T): T {
  return tf.tidy(() => tf.add(tf.relu(x), tf.log1p(tf.exp(tf.neg(tf.abs(x)))))) as T;
}
