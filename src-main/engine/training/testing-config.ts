/** Tiny, fast configurations for tests: real models and losses, few parameters. */
import type { TrainConfig } from '../../api/train-config';
import { preset } from '../../api/training';

export function tinyConfig(overrides: Partial<Omit<TrainConfig, 'model' | 'loss'>> & { model?: Partial<TrainConfig['model']>; loss?: Partial<TrainConfig['loss']> } = {}): TrainConfig {
  const { model, loss, ...rest } = overrides;
  const base = preset('dcgan');
  return {
    ...base,
    seed: 3,
    batchSize: 4,
    steps: 10,
    emaDecay: 0.9,
    sampleEvery: 5,
    checkpointEvery: 5,
    keepCheckpoints: 2,
    evaluation: { ...base.evaluation, samples: 50 },
    ...rest,
    model: { ...base.model, zDim: 8, gWidth: 4, dWidth: 4, ...model },
    loss: { ...base.loss, ...loss },
  };
}

/** Every model family the engine trains (with each D normalisation and G upsampling worth testing). */
export const modelCases = [
  { architecture: 'mlp', dNorm: 'none', numClasses: 0 },
  { architecture: 'dcgan', dNorm: 'batch', numClasses: 0 },
  { architecture: 'dcgan', dNorm: 'spectral', numClasses: 0, upsample: 'upsample-conv' },
  { architecture: 'cdcgan', dNorm: 'none', numClasses: 10 },
] as const;
/** Every loss the engine trains with. */
export const lossCases = ['bce', 'lsgan', 'wgan', 'wgan-gp', 'hinge'] as const;
