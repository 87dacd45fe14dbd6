/**
 * Activations built only from ops whose gradients are themselves differentiable on every backend,
 * so they survive the second-order gradient of WGAN-GP's penalty. tfjs' own leakyRelu, prelu,
 * relu6, selu, clipByValue and maximum/minimum have gradients built on comparison ops (Greater,
 * Less, LessEqual, LogicalAnd) that tfjs gives no gradient; they only work to second order once
 * registerSecondOrderGradients (./second-order, run by ensureGradientsRegistered) has run. These
 * do not depend on that.
 */
import * as tf from '@tensorflow/tfjs-core';
import { fusedOps, tensorOf, type FusedOps } from '../backend/fused';

/** Leaky ReLU as relu(x) − α·relu(−x); equal to tf.leakyRelu(x, α) for 0 ≤ α ≤ 1. Fused where the backend can. */
export function leakyRelu<T extends tf.Tensor>(x: T, alpha = 0.2): T {
  const ops = fusedOps();
  if (ops && x.dtype === 'float32' && alpha >= 0 && alpha <= 1) return fusedLeakyRelu(ops, x, alpha);
  return tf.tidy(() => tf.sub(tf.relu(x), tf.mul(tf.relu(tf.neg(x)), alpha))) as T;
}

/** softplus(x) = log(1 + eˣ), computed as relu(x) + log1p(e^−|x|) so large |x| neither overflows nor loses precision. */
export function softplus<T extends tf.Tensor>(x: T): T {
  return tf.tidy(() => tf.add(tf.relu(x), tf.log1p(tf.exp(tf.neg(tf.abs(x)))))) as T;
}

/**
 * The same values in one pass forward and two backward (five and about six op by op). Second order
 * (WGAN-GP's penalty differentiates D's input gradient): the backward pass is dy · slope(x) as a
 * tf.mul, so the tape records it; slope(x) is piecewise constant, its own derivative zero, so it
 * enters as a constant.
 */
function fusedLeakyRelu<T extends tf.Tensor>(ops: FusedOps, x: T, alpha: number): T {
  // The slope as an op of x whose gradient is zero, as step(x)'s is in the op-by-op form: a
  // variable that reaches the second-order loss only through slopes gets a zero gradient, not none.
  const slope = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const input = args[0] as tf.Tensor;
    return { value: tensorOf(ops.leakyRelu(input, alpha, 'slope')), gradFunc: (dy: tf.Tensor) => tf.zerosLike(dy) };
  });
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [input, save] = args as [tf.Tensor, tf.GradSaveFunc];
    save([input]);
    return {
      value: tensorOf(ops.leakyRelu(input, alpha, 'value')),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.mul(dy, slope(saved[0]!)),
    };
  });
  return op(x) as T;
}
