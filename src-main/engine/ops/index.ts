/** Differentiable building blocks that are safe for second-order gradients on every backend. */
export { leakyRelu, softplus } from './activations';
export { sigmoidCrossEntropyWithLogits, negLogSigmoid } from './losses';
export { batchNormalize } from './normalization';
export { upsampleNearest, downsampleAverage } from './resample';
export { ensureGradientsRegistered, gradientsRegistered } from './gradients';
export { registerSecondOrderGradients } from './second-order';
