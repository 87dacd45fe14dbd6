/** Exponential moving averages of tensors: G's EMA copy and batch norm's running statistics. */
import * as tf from '@tensorflow/tfjs-core';
import { fusedOps, tensorOf } from '../backend/fused';

/** target ← target·keep + value·(1 − keep): one fused pass where the backend has one, the same arithmetic elsewhere. */
export function updateMovingAverage(target: tf.Variable, value: tf.Tensor, keep: number): void {
  const ops = fusedOps();
  tf.tidy(() => target.assign(ops ? tensorOf(ops.movingAverage(target, value, keep, 0)) : tf.add(tf.mul(target, keep), tf.mul(value, 1 - keep))));
}
