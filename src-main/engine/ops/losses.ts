/**
 * Loss pieces that stay finite for any logit and are twice differentiable on every backend
 * (tf.logSigmoid, for one, is a customGrad that fails a second-order gradient with "Cannot read
 * properties of undefined (reading 'backend')").
 */
import * as tf from '@tensorflow/tfjs-core';
import { softplus } from './activations';

/**
 * Element-wise binary cross-entropy between sigmoid(logits) and labels in [0, 1]:
 * max(x, 0) − x·z + log(1 + e^−|x|). No reduction, so callers choose mean or sum and can weight it.
 */
export function sigmoidCrossEntropyWithLogits<T extends tf.Tensor>(logits: T, labels: tf.Tensor | number): T {
  return tf.tidy(() => tf.sub(softplus(logits), tf.mul(logits, labels))) as T;
}

/** −log σ(x) = softplus(−x): the non-saturating generator loss for "real" without forming σ(x). */
export function negLogSigmoid<T extends tf.Tensor>(logits: T): T {
  return tf.tidy(() => softplus(tf.neg(logits))) as T;
}
