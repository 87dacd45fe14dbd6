/**
 * Gradients tfjs does not register, which second-order gradients (WGAN-GP's penalty) run into:
 *  - comparisons and logical ops (Greater, Less, LessEqual, …): used inside the gradients of
 *    tf.leakyRelu, prelu, relu6, selu, maximum/minimum, clipByValue and tf.where masks. They are
 *    piecewise constant, so their gradient is zero;
 *  - ResizeNearestNeighborGrad, ResizeBilinearGrad and AvgPoolGrad: linear in dy (the adjoint of
 *    the forward op), so their gradient with respect to dy is the forward op itself.
 * MaxPoolGrad stays unregistered (its gradient needs the argmax routing): keep tf.maxPool out of
 * critics trained with a gradient penalty.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { AvgPoolGradAttrs, GradConfig, ResizeBilinearGradAttrs, ResizeNearestNeighborGradAttrs } from '@tensorflow/tfjs-core';

const zeros = (t: tf.Tensor | undefined) => () => (t ? tf.zeros(t.shape, 'float32') : tf.scalar(0));

function zeroGradient(kernelName: string, inputs: string[]): GradConfig {
  return {
    kernelName,
    inputsToSave: inputs,
    // Inputs may be bool (LogicalAnd of masks), but gradients must be float32.
    gradFunc: (_dy, saved) => Object.fromEntries(inputs.map((name, i) => [name, zeros(saved[i])])),
  };
}

const COMPARISONS = ['Greater', 'Less', 'LessEqual', 'Equal', 'NotEqual', 'LogicalAnd', 'LogicalOr'];

const ADJOINTS: GradConfig[] = [
  {
    kernelName: tf.ResizeNearestNeighborGrad,
    inputsToSave: ['images'],
    gradFunc: (g, saved, attrs) => {
      const { alignCorners, halfPixelCenters, size } = attrs as unknown as ResizeNearestNeighborGradAttrs;
      return {
        dy: () => tf.image.resizeNearestNeighbor(g as tf.Tensor4D, size, alignCorners, halfPixelCenters),
        images: zeros(saved[0]),
      };
    },
  },
  {
    kernelName: tf.ResizeBilinearGrad,
    inputsToSave: ['images'],
    gradFunc: (g, saved, attrs) => {
      const { alignCorners, size } = attrs as unknown as ResizeBilinearGradAttrs;
      return {
        // tfjs' ResizeBilinearGrad kernels ignore halfPixelCenters (so with it set, tfjs' first-order
        // gradient is not the adjoint of its forward pass); mirror what the kernel computes.
        dy: () => tf.image.resizeBilinear(g as tf.Tensor4D, size, alignCorners, false),
        images: zeros(saved[0]),
      };
    },
  },
  {
    kernelName: tf.AvgPoolGrad,
    inputsToSave: ['input'],
    gradFunc: (g, saved, attrs) => {
      const { filterSize, strides, pad } = attrs as unknown as AvgPoolGradAttrs;
      return {
        dy: () => tf.avgPool(g as tf.Tensor4D, filterSize, strides, pad as 'valid' | 'same' | number),
        input: zeros(saved[0]),
      };
    },
  },
];

/** Registers the gradients above where tfjs has none (never overrides one). Returns the kernel names. */
export function registerSecondOrderGradients(): string[] {
  const configs = [
    ...COMPARISONS.map((name) => zeroGradient(name, ['a', 'b'])),
    zeroGradient('LogicalNot', ['x']),
    ...ADJOINTS,
  ];
  const registered: string[] = [];
  for (const config of configs) {
    if (tf.getGradient(config.kernelName)) continue;
    tf.registerGradient(config);
    registered.push(config.kernelName);
  }
  return registered;
}
