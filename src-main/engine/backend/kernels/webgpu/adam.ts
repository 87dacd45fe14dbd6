/**
 * One Adam update on webgpu in three dispatches (new weights, new first moment, new second moment),
 * with the hyper-parameters as uniforms. tf.train.adam spends about 14 dispatches per variable and
 * uploads a fresh scalar tensor for each constant; on an H200 (2026-12-04) that was a third of a
 * DCGAN-64 step's CPU time, since a webgpu step at batch 64 is bound by the cost of each dispatch,
 * not by the GPU. The arithmetic is tf.train.adam's, in its order, in float32.
 */
import type { TensorInfo } from '@tensorflow/tfjs-core';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { FlatProgram } from './flat-program';
import type { AdamHyper, AdamTensors } from '../../fused';

type Output = 'w' | 'm' | 'v';

const NEW_M = 'fn newM(i : i32) -> f32 { return m[i] * uniforms.beta1 + g[i] * uniforms.oneMinusBeta1; }';
const NEW_V = 'fn newV(i : i32) -> f32 { return v[i] * uniforms.beta2 + (g[i] * g[i]) * uniforms.oneMinusBeta2; }';

/** Each output's inputs (WebGPU drops unused bindings from the layout, so each names only its own),
 *  helper functions and value. */
const OUTPUTS: Record<Output, { inputs: (keyof AdamTensors)[]; helpers: string[]; value: string }> = {
  m: { inputs: ['m', 'g'], helpers: [NEW_M], value: 'newM(index)' },
  v: { inputs: ['v', 'g'], helpers: [NEW_V], value: 'newV(index)' },
  // ((m̂ / (√v̂ + ε)) · −lr) + w, with m̂ = m' / (1 − β1ᵗ), v̂ = v' / (1 − β2ᵗ), as tf.train.adam.
  w: {
    inputs: ['w', 'm', 'v', 'g', 'accB1', 'accB2'],
    helpers: [NEW_M, NEW_V],
    value: '((newM(index) / (1.0 - accB1[0])) / (sqrt(newV(index) / (1.0 - accB2[0])) + uniforms.epsilon)) * uniforms.negLr + w[index]',
  },
};

class AdamProgram extends FlatProgram {
  readonly variableNames: string[];
  readonly uniforms = 'beta1 : f32, oneMinusBeta1 : f32, beta2 : f32, oneMinusBeta2 : f32, negLr : f32, epsilon : f32,';
  readonly shaderKey: string;

  constructor(
    outputShape: number[],
    private readonly output: Output,
  ) {
    super(outputShape);
    this.variableNames = OUTPUTS[output].inputs;
    this.shaderKey = `ganStudioAdam_${output}`;
  }

  protected override helpers(): string {
    return OUTPUTS[this.output].helpers.join('\n');
  }

  protected body(): string {
    return `let value = ${OUTPUTS[this.output].value};`;
  }
}

/** New weights and moments from `t` (which are left as they are). */
export function webgpuAdamStep(backend: WebGPUBackend, t: AdamTensors, h: AdamHyper): Record<Output, TensorInfo> {
  // One entry per field of the program's uniforms, in their order.
  const uniforms = [h.beta1, 1 - h.beta1, h.beta2, 1 - h.beta2, -h.learningRate, h.epsilon].map((x) => ({ type: 'float32', data: [x] }));
  const run = (output: Output) => new AdamProgram(t.w.shape, output).run(backend, OUTPUTS[output].inputs.map((name) => t[name]), uniforms);
  const done: TensorInfo[] = [];
  try {
    for (const output of ['w', 'm', 'v'] as const) done.push(run(output));
  } catch (e) {
    for (const t of done) backend.disposeData(t.dataId);
    throw e;
  }
  const [w, m, v] = done as [TensorInfo, TensorInfo, TensorInfo];
  return { w, m, v };
}
