/** The generator a model config describes (the conditional model's classes widen z's input). */
import type { ModelConfig } from '../../api/train-config';
import type { GeneratorSpec } from './generator';

export function generatorSpecOf(model: ModelConfig): GeneratorSpec {
  return {
    architecture: model.architecture === 'mlp' ? 'mlp' : 'dcgan',
    resolution: model.resolution,
    channels: model.channels,
    zDim: model.zDim + model.numClasses,
    upsample: model.upsample,
    width: model.gWidth,
  };
}
