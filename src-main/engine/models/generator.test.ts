import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { createGenerator, type GeneratorSpec } from './generator';
import { dcganPlan } from '../../shared/model-design/plan';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

function run(spec: GeneratorSpec, seed = 1, n = 2): Float32Array {
  const g = createGenerator(spec, seed);
  try {
    return tf.tidy(() => g.forward(tf.randomNormal([n, spec.zDim], 0, 1, 'float32', 3) as tf.Tensor2D, false).dataSync() as Float32Array);
  } finally {
    g.dispose();
  }
}

describe('generators', () => {
  it('plans DCGAN upsamplings for the supported resolutions', () => {
    expect(dcganPlan(28)).toEqual({ base: 7, upsamplings: 2 });
    expect(dcganPlan(32)).toEqual({ base: 4, upsamplings: 3 });
    expect(dcganPlan(64)).toEqual({ base: 4, upsamplings: 4 });
    expect(dcganPlan(128)).toEqual({ base: 4, upsamplings: 5 });
    expect(() => dcganPlan(30)).toThrow(/cannot produce 30/);
  });

  it.each([
    ['mlp', 28, 1, 'transposed'],
    ['dcgan', 28, 1, 'transposed'],
    ['dcgan', 32, 3, 'upsample-conv'],
    ['dcgan', 64, 3, 'transposed'],
  ] as const)('%s %i px × %i channels (%s) maps z to images in [-1, 1]', (architecture, resolution, channels, upsample) => {
    const spec: GeneratorSpec = { architecture, resolution, channels, zDim: 8, upsample, width: 8 };
    const g = createGenerator(spec, 1);
    const out = tf.tidy(() => g.forward(tf.randomNormal([3, 8]) as tf.Tensor2D, true));
    expect(out.shape).toEqual([3, resolution, resolution, channels]);
    const values = out.dataSync();
    expect(Math.max(...values)).toBeLessThanOrEqual(1);
    expect(Math.min(...values)).toBeGreaterThanOrEqual(-1);
    out.dispose();
    g.dispose();
  });

  it('is deterministic for a seed and differs across seeds', () => {
    const spec: GeneratorSpec = { architecture: 'dcgan', resolution: 28, channels: 1, zDim: 8, upsample: 'transposed', width: 8 };
    expect(run(spec, 5)).toEqual(run(spec, 5));
    expect(run(spec, 5)).not.toEqual(run(spec, 6));
  });

  it('follows DCGAN practice: no bias before batch norm, bias on the output layer', () => {
    const g = createGenerator({ architecture: 'dcgan', resolution: 28, channels: 1, zDim: 8, upsample: 'transposed', width: 8 }, 1);
    const names = [...g.params.variables.keys()];
    expect(names).toContain('g/up1/bias');
    expect(names).not.toContain('g/up0/bias');
    expect(names).toContain('g/up0_bn/gamma');
    // dense 8→7·7·32 + BN(32) + convT 4·4·32·16 + BN(16) + convT 4·4·16·1 + bias 1
    expect(g.params.parameterCount()).toBe(8 * 49 * 32 + 64 + 4 * 4 * 16 * 32 + 32 + 4 * 4 * 1 * 16 + 1);
    g.dispose();
  });

  it('leaks no tensors', () => {
    const before = tf.memory().numTensors;
    run({ architecture: 'dcgan', resolution: 32, channels: 3, zDim: 8, upsample: 'upsample-conv', width: 8 });
    expect(tf.memory().numTensors).toBe(before);
  });
});
