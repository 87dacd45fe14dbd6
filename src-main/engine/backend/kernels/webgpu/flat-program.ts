/**
 * The engine's WebGPU programs (run through tfjs-backend-webgpu's runWebGPUProgram): flat over the
 * output's indices, one invocation per element (tfjs reshapes dispatches over the limit). Each names
 * its inputs, uniforms and the WGSL that computes `value` for output `index`; a program whose
 * invocations each write several outputs (the batch-norm reductions) says how many run and writes
 * `result` itself.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { TensorInfo } from '@tensorflow/tfjs-core';
import type { WebGPUBackend, WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';

const WORKGROUP = 64;

export abstract class FlatProgram implements Partial<WebGPUProgram> {
  readonly workgroupSize: [number, number, number] = [WORKGROUP, 1, 1];
  readonly size = true;
  readonly dispatchLayout: { x: number[] };
  readonly dispatch: [number, number, number];
  /** The inputs, bound in this order (WebGPU drops unused bindings: the shader must read each). */
  abstract readonly variableNames: string[];
  /** Fields of the program's uniforms; runWebGPUProgram takes one data entry per field, in order. */
  abstract readonly uniforms: string;
  abstract readonly shaderKey: string;

  constructor(
    readonly outputShape: number[],
    threads = tf.util.sizeFromShape(outputShape),
  ) {
    this.dispatchLayout = { x: outputShape.map((_, i) => i) };
    this.dispatch = [Math.ceil(threads / WORKGROUP), 1, 1];
  }

  /** WGSL functions the body calls. */
  protected helpers(): string {
    return '';
  }

  /** WGSL statements that declare and compute `value`, the output at `index`. */
  protected abstract body(): string;

  /** A float32 result from `inputs` (in variableNames' order) and one uniform entry per field. */
  run(backend: WebGPUBackend, inputs: TensorInfo[], uniformData: { type: string; data: number[] }[]): TensorInfo {
    return backend.runWebGPUProgram(this as unknown as WebGPUProgram, inputs, 'float32', uniformData);
  }

  /** WGSL of main(index): by default `body()` for each output element, then the write. */
  protected main(): string {
    return `
      fn main(index : i32) {
        if (index < uniforms.size) {
          ${this.body()}
          setOutputAtIndex(index, value);
        }
      }`;
  }

  getUserCode(): string {
    return `${this.helpers()}\n${this.main()}`;
  }
}
