/**
 * Batch-norm arithmetic from plain ops. tf.batchNorm's gradient (FusedBatchNorm) breaks twice:
 * for rank-2 input with per-feature statistics it fails even first-order ("Size(...) must match
 * the product of shape ..."; its x-gradient hard-codes a rank-4 tile), and without scale/offset
 * its second-order gradient fails. This version works for any rank, to any order.
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
