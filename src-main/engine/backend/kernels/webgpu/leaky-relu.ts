/**
 * Leaky ReLU's value and slope on webgpu, one dispatch each (ops/activations.ts has the layer and
 * its gradient): x for x > 0, α·x below (+0 at −0); a slope of 1, α, 0 at x = 0 and NaN at NaN,
 * as differentiating relu(x) − α·relu(−x) gives (tfjs' step keeps NaN).
 */
import type { TensorInfo } from '@tensorflow/tfjs-core';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { FlatProgram } from './flat-program';

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
      ? 'let v = x[index]; let value = select(uniforms.alpha * v + 0.0, v, v > 0.0);'
      : 'let v = x[index]; let value = select(select(select(uniforms.NAN, 0.0, v == 0.0), uniforms.alpha, v < 0.0), 1.0, v > 0.0);';
  }
}

/** Leaky ReLU's value or slope (the gradient's factor), elementwise. */
export function webgpuLeakyRelu(backend: WebGPUBackend, x: TensorInfo, alpha: number, output: 'value' | 'slope'): TensorInfo {
  return new LeakyReluProgram(x.shape, output).run(backend, [x], [{ type: 'float32', data: [alpha] }]);
}
