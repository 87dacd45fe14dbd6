/**
 * Training-mode batch norm through the backend's fused operations (backend/fused): statistics,
 * running averages and normalisation forward, two sums and one elementwise pass backward, where
 * the op-by-op form (models/layers.ts' trainingBatchNorm, which has the formulas) runs about 16
 * kernels forward and 12 backward per layer. Its backward pass is not itself on the tape, so it is
 * first order only, more so than that form (whose backward a second gradient still follows through
 * dy and γ): the layer uses it only outside nested gradients.
 */
import * as tf from '@tensorflow/tfjs-core';
import { tensorOf, type FusedOps } from '../backend/fused';

export interface BatchNormParams {
  gamma: tf.Variable;
  beta: tf.Variable;
  runningMean: tf.Variable;
  runningVar: tf.Variable;
}

/** Normalises x over its batch's statistics, updates the running averages (off the tape), and returns y, differentiable once in x, γ and β. */
export function fusedTrainingBatchNorm(ops: FusedOps, x: tf.Tensor, p: BatchNormParams, momentum: number, epsilon: number): tf.Tensor {
  const stats = tensorOf(ops.moments(x));
  const channels = stats.shape[1]!;
  tf.tidy(() => {
    p.runningMean.assign(tensorOf(ops.movingAverage(p.runningMean, stats, momentum, 0)));
    p.runningVar.assign(tensorOf(ops.movingAverage(p.runningVar, stats, momentum, channels)));
  });
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [input, gamma, beta, save] = args as [tf.Tensor, tf.Tensor, tf.Tensor, tf.GradSaveFunc];
    // Saved (kept past the layer's tidy) for the backward pass, which runs after the forward's scope ends.
    save([input, gamma, stats]);
    return {
      value: tensorOf(ops.normalize(input, stats, gamma, beta, epsilon)),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [savedX, savedGamma, savedStats] = saved as [tf.Tensor, tf.Tensor, tf.Tensor];
        const [dBeta, dGamma] = ops.gradSums(dy, savedX, savedStats, epsilon).map((t) => tensorOf(t)) as [tf.Tensor, tf.Tensor];
        const dx = tensorOf(ops.inputGrad(dy, savedX, savedStats, savedGamma, dBeta, dGamma, epsilon));
        return [dx, dGamma, dBeta];
      },
    };
  });
  return op(x, p.gamma, p.beta);
}
