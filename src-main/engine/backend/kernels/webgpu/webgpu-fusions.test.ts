/**
 * The engine's fused webgpu programs (batch norm forward and backward with its running statistics,
 * leaky ReLU to second order, moving averages, Adam, uploads through queue.writeBuffer) agree with the
 * op-by-op forms on tfjs-cpu, run their own shaders, and leave no tensor behind. On the adapter Dawn
 * finds: SwiftShader here.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runWebGpuScript } from '../../../../test-support/webgpu-child';

interface Report {
  skipped?: string;
  cases?: { name: string; diffs: Record<string, number>; shaders: string[]; leaked: number }[];
}

const script = fileURLToPath(new URL('../../../../test-support/webgpu-fusions.ts', import.meta.url));

const BATCH_NORM = [
  'ganStudioBatchNormChunkGradSums',
  'ganStudioBatchNormChunkMoments',
  'ganStudioBatchNormCombineMoments',
  'ganStudioBatchNormInputGrad',
  'ganStudioBatchNormNormalize',
  'ganStudioBatchNormSumChunks',
  'ganStudioMovingAverage',
];

describe('webgpu fused programs', () => {
  it('match the op-by-op forms on tfjs-cpu, run their own shaders and leave nothing behind', async (ctx) => {
    const report = await runWebGpuScript<Report>(script);
    if (report.skipped) {
      console.log(`webgpu fusion test skipped: ${report.skipped}`);
      return ctx.skip();
    }
    const byName = new Map(report.cases!.map((c) => [c.name.split(' (')[0]!.replace(/ around.*/, ''), c]));
    const batchNorms = report.cases!.filter((c) => c.name.startsWith('batch norm'));
    expect(batchNorms).toHaveLength(4);
    for (const c of batchNorms) {
      expect(Object.keys(c.diffs).sort(), c.name).toEqual(['dBeta', 'dGamma', 'dx', 'runningMean', 'runningVar', 'y']);
      // Around 1000, x − μ keeps ~13 of float32's 24 bits whichever backend subtracts: y and the
      // gradients differ by that much; the variance (no E[x²] − E[x]²) stays exact.
      const tolerance = c.name.includes('around 1000') ? 1e-4 : 1e-5;
      for (const [output, diff] of Object.entries(c.diffs)) expect(diff, `${c.name}: ${output}`).toBeLessThan(output === 'runningVar' ? 1e-5 : tolerance);
      expect(c.shaders, c.name).toEqual(BATCH_NORM);
      expect(c.leaked, c.name).toBe(0);
    }
    const leaky = byName.get('leaky relu, gradient, second order')!;
    expect(Object.keys(leaky.diffs).sort()).toEqual(['dx', 'penalty', 'secondOrderB1', 'secondOrderW1', 'secondOrderW2', 'y']);
    for (const [output, diff] of Object.entries(leaky.diffs)) expect(diff, output).toBeLessThan(1e-5);
    expect(leaky.shaders).toEqual(['ganStudioLeakyRelu']);
    expect(leaky.leaked).toBe(0);
    const nested = byName.get('second order through batch norm')!;
    expect(Object.keys(nested.diffs).sort()).toEqual(['dGamma', 'dW', 'value']);
    for (const [output, diff] of Object.entries(nested.diffs)) expect(diff, output).toBeLessThan(1e-5);
    expect(nested.leaked).toBe(0);
    const average = byName.get('moving average')!;
    expect(average.diffs.target).toBeLessThan(1e-6);
    expect(average.shaders).toEqual(['ganStudioMovingAverage']);
    const uploads = byName.get('uploads')!;
    expect(uploads.diffs['0']).toBe(0);
    expect(uploads.leaked).toBe(0);
    // Adam: the weights and every optimizer weight tf.train.adam has, under the same names (iterations, then m and v of each variable).
    const adam = byName.get('adam')!;
    expect(Object.keys(adam.diffs)).toHaveLength(10);
    for (const [output, diff] of Object.entries(adam.diffs)) expect(diff, output).toBeLessThan(1e-6);
    expect(adam.shaders).toEqual(['ganStudioAdam']);
    expect(adam.leaked).toBe(0);
  }, 120_000);
});
