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
import type { BatchNormSync } from './rows';

/** Set while a data-parallel replica trains a step: the statistics and sums are the whole batch's. */
let sync: BatchNormSync | null = null;

/** Data-parallel training (training/parallel/shard.ts) sets this for the length of a step, and clears it. */
export function setBatchNormSync(next: BatchNormSync | null): void {
  sync = next;
}

/** Whether training batch norm must exchange with other replicas (the op-by-op form cannot). */
export function batchNormSynced(): boolean {
  return sync !== null;
}

/** A [2, C] statistics or sums tensor replaced by the whole batch's (this one is disposed). */
function wholeBatch(local: tf.Tensor, combine: (values: Float32Array) => Float32Array): tf.Tensor {
  const values = combine(local.dataSync() as Float32Array);
  const shape = local.shape;
  local.dispose();
  return tf.tensor(values, shape, 'float32');
}

export interface BatchNormParams {
  gamma: tf.Variable;
  beta: tf.Variable;
  runningMean: tf.Variable;
  runningVar: tf.Variable;
}

/** Normalises x over its batch's statistics, updates the running averages (off the tape), and returns y, differentiable once in x, γ and β. */
export function fusedTrainingBatchNorm(ops: FusedOps, x: tf.Tensor, p: BatchNormParams, momentum: number, epsilon: number): tf.Tensor {
  const local = tensorOf(ops.moments(x));
  const exchange = sync;
  const stats = exchange ? wholeBatch(local, (v) => exchange.statistics(v)) : local;
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
        if (!exchange) return [tensorOf(ops.inputGrad(dy, savedX, savedStats, savedGamma, dBeta, dGamma, epsilon)), dGamma, dBeta];
        // Data-parallel: ∂L/∂x needs the whole batch's two sums, weighted by each replica's share
        // (training/parallel/shard.ts); γ and β keep this replica's, which the trainer sums with the others.
        const whole = wholeBatch(tf.concat([dBeta, dGamma]), (v) => exchange.gradSums(v));
        const [wholeBeta, wholeGamma] = tf.split(whole, 2);
        const dx = tensorOf(ops.inputGrad(dy, savedX, savedStats, savedGamma, wholeBeta!, wholeGamma!, epsilon));
        tf.dispose([whole, wholeBeta!, wholeGamma!]);
        return [dx, dGamma, dBeta];
      },
    };
  });
  return op(x, p.gamma, p.beta);
}
