/**
 * target·keep + source·(1 − keep) in one dispatch: the EMA of G's weights and batch norm's running
 * statistics, which tfjs' ops spend three dispatches and two uploaded scalars on. Same arithmetic,
 * in the same order, as tf.add(tf.mul(target, keep), tf.mul(source, 1 − keep)).
 */
import type { TensorInfo } from '@tensorflow/tfjs-core';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { FlatProgram } from './flat-program';

class MovingAverageProgram extends FlatProgram {
  readonly variableNames = ['average', 'source'];
  readonly uniforms = 'keep : f32, take : f32, offset : i32,';
  readonly shaderKey = 'ganStudioMovingAverage';

  protected body(): string {
    return 'let value = average[index] * uniforms.keep + source[index + uniforms.offset] * uniforms.take;';
  }
}

/** The new average; `source` is read from element `offset` on (a row of batch norm's [2, C] statistics). */
export function webgpuMovingAverage(backend: WebGPUBackend, target: TensorInfo, source: TensorInfo, keep: number, offset = 0): TensorInfo {
  return new MovingAverageProgram(target.shape).run(backend, [target, source], [
    { type: 'float32', data: [keep] },
    { type: 'float32', data: [1 - keep] },
    { type: 'int32', data: [offset] },
  ]);
}
