/** The optimisers GAN training uses, built from the config's optimizer section (trainer and Learn playground). */
import * as tf from '@tensorflow/tfjs-core';
import type { OptimizerConfig } from '../../api/train-config';

export function createOptimizer({ kind, beta1, beta2 }: Pick<OptimizerConfig, 'kind' | 'beta1' | 'beta2'>, lr: number): tf.Optimizer {
  return kind === 'adam' ? tf.train.adam(lr, beta1, beta2) : tf.train.rmsprop(lr);
}
