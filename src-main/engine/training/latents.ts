/** The latents a trainer draws: training batches and a run's fixed noise (its samples/ grids). */
import * as tf from '@tensorflow/tfjs-core';
import type { TrainConfig } from '../../api/train-config';
import { tfSeed } from '../ops/seed';

/** The seed of a run's fixed noise: the latents of its samples/ grids, the same at every step. */
export function fixedNoiseSeed(config: TrainConfig): number {
  return config.seed ^ 0x2545f491;
}

/**
 * Latent vectors (and, for the conditional model, classes i mod K) for a training batch or a run's
 * fixed noise, from tfjs random ops. Seeds that name an image to a user go through latentForSeed
 * (sampling/latents.ts) instead.
 */
export function drawLatents(model: TrainConfig['model'], n: number, seed: number, classes?: number[]): { z: tf.Tensor2D; labels: tf.Tensor2D | null } {
  const { zDim, zDistribution, numClasses } = model;
  const z = (
    zDistribution === 'normal'
      ? tf.randomNormal([n, zDim], 0, 1, 'float32', tfSeed(seed))
      : tf.randomUniform([n, zDim], -1, 1, 'float32', tfSeed(seed))
  ) as tf.Tensor2D;
  if (numClasses === 0) return { z, labels: null };
  const picks = classes ?? Array.from({ length: n }, (_, i) => i % numClasses);
  const labels = tf.tidy(() => tf.cast(tf.oneHot(tf.tensor1d(picks, 'int32'), numClasses), 'float32') as tf.Tensor2D);
  return { z, labels };
}
