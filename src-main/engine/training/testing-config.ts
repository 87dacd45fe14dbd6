/** Tiny, fast configurations for tests: real models and losses, few parameters. */
import type { TrainConfig } from '../../api/train-config';

export function tinyConfig(overrides: Partial<Omit<TrainConfig, 'model' | 'loss'>> & { model?: Partial<TrainConfig['model']>; loss?: Partial<TrainConfig['loss']> } = {}): TrainConfig {
  const { model, loss, ...rest } = overrides;
  return {
    version: 1,
    seed: 3,
    batchSize: 4,
    nCritic: 1,
    steps: 10,
    emaDecay: 0.9,
    sampleEvery: 5,
    checkpointEvery: 5,
    keepCheckpoints: 2,
    augment: { flip: false, diffAugment: [] },
    evaluation: { every: 0, samples: 50, metric: 'kid' },
    optimizer: { kind: 'adam', gLr: 2e-4, dLr: 2e-4, beta1: 0.5, beta2: 0.999 },
    ...rest,
    model: {
      architecture: 'dcgan',
      resolution: 28,
      channels: 1,
      zDim: 8,
      zDistribution: 'normal',
      gWidth: 4,
      dWidth: 4,
      upsample: 'transposed',
      dNorm: 'batch',
      numClasses: 0,
      ...model,
    },
    loss: { kind: 'bce', labelSmoothing: 0.1, gpWeight: 10, clip: 0.01, ...loss },
  };
}
