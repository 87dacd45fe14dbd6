/**
 * Batch-norm arithmetic from plain ops. tf.batchNorm cannot be differentiated at all when scale
 * or offset is omitted (the engine tries to save the missing inputs for the backward pass:
 * "Cannot read properties of undefined (reading 'dataId')"); with both given it works, to second
 * order. This version needs neither, works for any rank, and is differentiable to any order.
 */
import * as tf from '@tensorflow/tfjs-core';

/** (x − mean)·rsqrt(variance + ε)·scale + offset, with mean/variance/scale/offset broadcasting against x. */
export function batchNormalize<T extends tf.Tensor>(
  x: T,
  mean: tf.Tensor,
  variance: tf.Tensor,
  offset: tf.Tensor | null = null,
  scale: tf.Tensor | null = null,
  epsilon = 1e-5,
): T {
  return tf.tidy(() => {
    let inv = tf.rsqrt(tf.add(variance, epsilon));
    if (scale) inv = tf.mul(inv, scale);
    const y = tf.mul(tf.sub(x, mean), inv);
    return offset ? tf.add(y, offset) : y;
  }) as T;
}
