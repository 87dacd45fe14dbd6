/**
 * Training-mode batch norm's programs on webgpu (../../fused/: the operations; ops/batch-norm.ts:
 * the layer): statistics in two dispatches, the normalisation in one, the backward pass in four.
 * tfjs' ops take about 16 dispatches and 5 uploaded scalars forward and 12 backward per layer, with
 * a transpose before each reduction.
 *
 * x is viewed as [rows, C] (C the last axis). The reductions run in two passes: one invocation per
 * (chunk of rows, channel), reading along channels so neighbouring invocations read neighbouring
 * floats, then one per channel combining the chunks (Chan et al.'s pairwise update for the variance,
 * so no E[x²] − E[x]² cancellation).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { TensorInfo } from '@tensorflow/tfjs-core';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { FlatProgram } from './flat-program';

const LAYOUT = 'channels : i32, rows : i32, chunk : i32, chunks : i32, epsilon : f32, threads : i32,';

interface Layout {
  channels: number;
  rows: number;
  chunk: number;
  chunks: number;
}

function layoutOf(x: TensorInfo): Layout {
  const channels = x.shape[x.shape.length - 1]!;
  const rows = tf.util.sizeFromShape(x.shape) / channels;
  const chunk = Math.max(16, Math.ceil(Math.sqrt(rows)));
  return { channels, rows, chunk, chunks: Math.ceil(rows / chunk) };
}

function layoutUniforms(l: Layout, epsilon: number, threads: number) {
  return [l.channels, l.rows, l.chunk, l.chunks, epsilon, threads].map((v, i) => ({ type: i === 4 ? 'float32' : 'int32', data: [v] }));
}

/** A program with one invocation per `threads`, each writing `result` itself. */
abstract class ReductionProgram extends FlatProgram {
  readonly uniforms = LAYOUT;

  protected override main(): string {
    return `
      fn main(index : i32) {
        if (index < uniforms.threads) {
          let c = index % uniforms.channels;
          let r = index / uniforms.channels;
          ${this.body()}
        }
      }`;
  }

  protected override helpers(): string {
    return `
      fn chunkStart(r : i32) -> i32 { return r * uniforms.chunk; }
      fn chunkEnd(r : i32) -> i32 { return min((r + 1) * uniforms.chunk, uniforms.rows); }`;
  }
}

/** Pass 1 of the statistics: each chunk's mean and sum of squared deviations, [chunks, 2, C]. */
class ChunkMomentsProgram extends ReductionProgram {
  readonly variableNames = ['x'];
  readonly shaderKey = 'ganStudioBatchNormChunkMoments';

  protected body(): string {
    return `
      let C = uniforms.channels;
      var sum = 0.0;
      for (var i = chunkStart(r); i < chunkEnd(r); i++) { sum += x[i * C + c]; }
      let mean = sum / f32(chunkEnd(r) - chunkStart(r));
      var m2 = 0.0;
      for (var i = chunkStart(r); i < chunkEnd(r); i++) { let d = x[i * C + c] - mean; m2 += d * d; }
      result[(r * 2) * C + c] = mean;
      result[(r * 2 + 1) * C + c] = m2;`;
  }
}

/** Pass 2: the chunks combined per channel into [2, C]: the mean, then the (biased) variance. */
class CombineMomentsProgram extends ReductionProgram {
  readonly variableNames = ['partials'];
  readonly shaderKey = 'ganStudioBatchNormCombineMoments';

  protected body(): string {
    return `
      let C = uniforms.channels;
      var n = 0.0;
      var mean = 0.0;
      var m2 = 0.0;
      for (var k = 0; k < uniforms.chunks; k++) {
        let size = f32(min(uniforms.chunk, uniforms.rows - k * uniforms.chunk));
        let total = n + size;
        let delta = partials[(k * 2) * C + c] - mean;
        mean = mean + delta * (size / total);
        m2 = m2 + partials[(k * 2 + 1) * C + c] + delta * delta * (n * size / total);
        n = total;
      }
      result[c] = mean;
      result[C + c] = m2 / n;`;
  }
}

/** Pass 1 of the backward sums: each chunk's Σ dy and Σ dy·x̂, [chunks, 2, C]. */
class ChunkGradSumsProgram extends ReductionProgram {
  readonly variableNames = ['dy', 'x', 'stats'];
  readonly shaderKey = 'ganStudioBatchNormChunkGradSums';

  protected body(): string {
    return `
      let C = uniforms.channels;
      let mean = stats[c];
      let rstd = inverseSqrt(stats[C + c] + uniforms.epsilon);
      var sumDy = 0.0;
      var sumDyXhat = 0.0;
      for (var i = chunkStart(r); i < chunkEnd(r); i++) {
        let d = dy[i * C + c];
        sumDy += d;
        sumDyXhat += d * ((x[i * C + c] - mean) * rstd);
      }
      result[(r * 2) * C + c] = sumDy;
      result[(r * 2 + 1) * C + c] = sumDyXhat;`;
  }
}

/** Pass 2 of the backward sums: row `row` (0: Σ dy, 1: Σ dy·x̂) summed over the chunks, [C]. */
class SumChunksProgram extends ReductionProgram {
  readonly variableNames = ['partials'];
  readonly shaderKey: string;

  constructor(
    outputShape: number[],
    threads: number,
    private readonly row: 0 | 1,
  ) {
    super(outputShape, threads);
    this.shaderKey = `ganStudioBatchNormSumChunks_${row}`;
  }

  protected body(): string {
    return `
      var sum = 0.0;
      for (var k = 0; k < uniforms.chunks; k++) { sum += partials[(k * 2 + ${this.row}) * uniforms.channels + c]; }
      result[c] = sum;`;
  }
}

/** y = x̂·γ + β, x̂ = (x − μ)·rsqrt(σ² + ε). */
class NormalizeProgram extends FlatProgram {
  readonly variableNames = ['x', 'stats', 'gamma', 'beta'];
  readonly uniforms = LAYOUT;
  readonly shaderKey = 'ganStudioBatchNormNormalize';

  protected body(): string {
    return `
      let c = index % uniforms.channels;
      let rstd = inverseSqrt(stats[uniforms.channels + c] + uniforms.epsilon);
      let value = ((x[index] - stats[c]) * rstd) * gamma[c] + beta[c];`;
  }
}

/** ∂L/∂x = γ·r·(dy − Σdy / n − x̂ · Σdy·x̂ / n). */
class InputGradProgram extends FlatProgram {
  readonly variableNames = ['dy', 'x', 'stats', 'gamma', 'dBeta', 'dGamma'];
  readonly uniforms = LAYOUT;
  readonly shaderKey = 'ganStudioBatchNormInputGrad';

  protected body(): string {
    return `
      let c = index % uniforms.channels;
      let n = f32(uniforms.rows);
      let rstd = inverseSqrt(stats[uniforms.channels + c] + uniforms.epsilon);
      let xhat = (x[index] - stats[c]) * rstd;
      let centred = (dy[index] - dBeta[c] / n) - xhat * (dGamma[c] / n);
      let value = centred * (gamma[c] * rstd);`;
  }
}

/** Per-channel mean and biased variance of x over all axes but the last, as one [2, C] tensor. */
export function webgpuMoments(backend: WebGPUBackend, x: TensorInfo): TensorInfo {
  const l = layoutOf(x);
  const partials = new ChunkMomentsProgram([l.chunks, 2, l.channels], l.chunks * l.channels).run(backend, [x], layoutUniforms(l, 0, l.chunks * l.channels));
  try {
    return new CombineMomentsProgram([2, l.channels], l.channels).run(backend, [partials], layoutUniforms(l, 0, l.channels));
  } finally {
    backend.disposeData(partials.dataId);
  }
}

export function webgpuNormalize(backend: WebGPUBackend, x: TensorInfo, stats: TensorInfo, gamma: TensorInfo, beta: TensorInfo, epsilon: number): TensorInfo {
  return new NormalizeProgram(x.shape).run(backend, [x, stats, gamma, beta], layoutUniforms(layoutOf(x), epsilon, 0));
}

/** Σ dy and Σ dy·x̂ per channel ([C] each). */
export function webgpuGradSums(backend: WebGPUBackend, dy: TensorInfo, x: TensorInfo, stats: TensorInfo, epsilon: number): [TensorInfo, TensorInfo] {
  const l = layoutOf(x);
  const threads = l.chunks * l.channels;
  const partials = new ChunkGradSumsProgram([l.chunks, 2, l.channels], threads).run(backend, [dy, x, stats], layoutUniforms(l, epsilon, threads));
  try {
    const sum = (row: 0 | 1) => new SumChunksProgram([l.channels], l.channels, row).run(backend, [partials], layoutUniforms(l, epsilon, l.channels));
    const dBeta = sum(0);
    try {
      return [dBeta, sum(1)];
    } catch (e) {
      backend.disposeData(dBeta.dataId);
      throw e;
    }
  } finally {
    backend.disposeData(partials.dataId);
  }
}

export function webgpuInputGrad(backend: WebGPUBackend, dy: TensorInfo, x: TensorInfo, stats: TensorInfo, gamma: TensorInfo, dBeta: TensorInfo, dGamma: TensorInfo, epsilon: number): TensorInfo {
  return new InputGradProgram(x.shape).run(backend, [dy, x, stats, gamma, dBeta, dGamma], layoutUniforms(layoutOf(x), epsilon, 0));
}
