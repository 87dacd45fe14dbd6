/** Exponential moving averages of tensors: G's EMA copy and batch norm's running statistics. */
import * as tf from '@tensorflow/tfjs-core';
import { ownWebgpuBackend, tensorOf } from '../backend/kernels/webgpu/own';
import { webgpuMovingAverage } from '../backend/kernels/webgpu/moving-average';

/** target ← target·keep + value·(1 − keep); one dispatch on webgpu, the same arithmetic elsewhere. */
export function updateMovingAverage(target: tf.Variable, value: tf.Tensor, keep: number): void {
  const gpu = ownWebgpuBackend();
  tf.tidy(() => target.assign(gpu ? tensorOf(webgpuMovingAverage(gpu, target, value, keep)) : tf.add(tf.mul(target, keep), tf.mul(value, 1 - keep))));
}
