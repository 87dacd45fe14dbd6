/**
 * Leaky ReLU on webgpu in one dispatch forward and two backward, where ops/activations.ts' form,
 * relu(x) − α·relu(−x) (differentiable to any order on every backend), takes five and about six,
 * plus an uploaded scalar. Same values bit for bit: x for x > 0, α·x below, and a slope of 1, α,
 * and 0 at x = 0, as differentiating that form gives.
 *
 * Second order (WGAN-GP's penalty differentiates D's input gradient): the backward pass is
 * dy · slope(x) as a tf.mul, so the tape records it; slope(x) is piecewise constant, its own
 * derivative zero, so it enters as a constant.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { TensorInfo } from '@tensorflow/tfjs-core';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { FlatProgram } from './flat-program';
import { tensorOf } from './own';

class LeakyReluProgram extends FlatProgram {
  readonly variableNames = ['x'];
  readonly uniforms = 'alpha : f32,';
  readonly shaderKey: string;

  constructor(
    outputShape: number[],
    private readonly output: 'value' | 'slope',
  ) {
    super(outputShape);
    this.shaderKey = `ganStudioLeakyRelu_${output}`;
  }

  protected body(): string {
    return this.output === 'value'
      ? 'let v = x[index]; let value = select(uniforms.alpha * v, v, v > 0.0);'
      : 'let v = x[index]; let value = select(select(0.0, uniforms.alpha, v < 0.0), 1.0, v > 0.0);';
  }
}

function run(backend: WebGPUBackend, x: TensorInfo, alpha: number, output: 'value' | 'slope'): tf.Tensor {
  return tensorOf(new LeakyReluProgram(x.shape, output).run(backend, [x], [{ type: 'float32', data: [alpha] }]));
}

export function webgpuLeakyRelu<T extends tf.Tensor>(backend: WebGPUBackend, x: T, alpha: number): T {
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [input, save] = args as [tf.Tensor, tf.GradSaveFunc];
    save([input]);
    return {
      value: run(backend, input, alpha, 'value'),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.mul(dy, run(backend, saved[0]!, alpha, 'slope')),
    };
  });
  return op(x) as T;
}
