import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { preset, presetNames } from '../../api/training';
import type { ModelConfig } from '../../api/train-config';
import { createDiscriminator } from '../../engine/models/discriminator';
import { createGenerator } from '../../engine/models/generator';
import type { ParamStore } from '../../engine/models/params';
import { dcganCanProduce, dcganPlan, discriminatorPlan, generatorPlan, type NetworkPlan } from './plan';
import { generatorSpecOf } from '../../engine/models/spec';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('layer tables of the presets, counted by hand', () => {
  it('MLP GAN: z 64, h 128, 28×28×1', () => {
    const g = generatorPlan(preset('mlp').model);
    // 64→128, 128→256, 256→512, 512→784, each with a bias.
    expect(g.params).toBe(64 * 128 + 128 + 128 * 256 + 256 + 256 * 512 + 512 + 512 * 784 + 784);
    expect(g.params).toBe(575_120);
    expect(g.rows.at(-1)!.output).toEqual([28, 28, 1]);
    const d = discriminatorPlan(preset('mlp').model);
    // 784→512, 512→256, 256→128, 128→1.
    expect(d.params).toBe(784 * 512 + 512 + 512 * 256 + 256 + 256 * 128 + 128 + 128 + 1);
    expect(d.params).toBe(566_273);
  });

  it('DCGAN: z 64 projected to 7×7×128, two transposed convs to 28×28×1; critic 32 → 64 with batch norm', () => {
    const g = generatorPlan(preset('dcgan').model);
    expect(g.rows.map((r) => [r.name, r.output, r.params])).toEqual([
      ['', [64], 0],
      ['g/project', [7, 7, 128], 64 * 7 * 7 * 128],
      ['g/project_bn', [7, 7, 128], 2 * 128],
      ['g/up0', [14, 14, 64], 4 * 4 * 128 * 64],
      ['g/up0_bn', [14, 14, 64], 2 * 64],
      ['g/up1', [28, 28, 1], 4 * 4 * 64 * 1 + 1],
    ]);
    expect(g.params).toBe(533_889);
    const d = discriminatorPlan(preset('dcgan').model);
    expect(d.rows.map((r) => [r.name, r.output, r.params])).toEqual([
      ['', [28, 28, 1], 0],
      ['d/down0', [14, 14, 32], 4 * 4 * 1 * 32 + 32],
      ['d/down1', [7, 7, 64], 4 * 4 * 32 * 64],
      ['d/down1_bn', [7, 7, 64], 2 * 64],
      ['d/out', [1], 7 * 7 * 64 + 1],
    ]);
    expect(d.params).toBe(36_577);
  });

  it('conditional DCGAN: 10 one-hot classes widen z to 74 and add 10 planes to the critic input', () => {
    const model = preset('cdcgan').model;
    expect(generatorPlan(model).params).toBe(74 * 6272 + 256 + 131_072 + 128 + 1025);
    expect(generatorPlan(model).params).toBe(596_609);
    expect(discriminatorPlan(model).rows[1]).toMatchObject({ name: 'd/down0', params: 16 * 11 * 32 + 32 });
    expect(discriminatorPlan(model).params).toBe(41_697);
  });

  it('WGAN-GP: the critic has no batch norm, so its second block keeps a bias', () => {
    const d = discriminatorPlan(preset('wgan-gp').model);
    expect(d.rows.map((r) => r.name)).toEqual(['', 'd/down0', 'd/down1', 'd/out']);
    expect(d.params).toBe(544 + 16 * 32 * 64 + 64 + 3137);
    expect(generatorPlan(preset('wgan-gp').model).params).toBe(533_889);
  });

  it('knows which resolutions a DCGAN can make', () => {
    expect(dcganPlan(28)).toEqual({ base: 7, upsamplings: 2 });
    expect(dcganPlan(128)).toEqual({ base: 4, upsamplings: 5 });
    expect(() => dcganPlan(30)).toThrow(/cannot produce 30/);
    expect([28, 32, 56, 64, 128].every(dcganCanProduce)).toBe(true);
    expect([30, 48, 100, 4].some(dcganCanProduce)).toBe(false);
  });
});

/** Trainable parameters per layer prefix, as the engine's models hold them. */
function enginePerLayer(params: ParamStore): Map<string, number> {
  const out = new Map<string, number>();
  for (const [name, v] of params.variables) {
    if (!v.trainable) continue;
    const prefix = name.slice(0, name.lastIndexOf('/'));
    out.set(prefix, (out.get(prefix) ?? 0) + v.size);
  }
  return out;
}

function planPerLayer(plan: NetworkPlan): Map<string, number> {
  return new Map(plan.rows.filter((r) => r.name).map((r) => [r.name, r.params]));
}

const variants: [string, ModelConfig][] = [
  ...presetNames.map((name): [string, ModelConfig] => [name, preset(name).model]),
  ['dcgan 64 px RGB, upsample+conv, spectral', { ...preset('dcgan').model, resolution: 64, channels: 3, upsample: 'upsample-conv', dNorm: 'spectral', gWidth: 8, dWidth: 8 }],
  ['cdcgan 32 px, 3 classes, no norm', { ...preset('cdcgan').model, resolution: 32, numClasses: 3, dNorm: 'none', zDim: 10, gWidth: 4, dWidth: 4 }],
  ['mlp 32 px RGB', { ...preset('mlp').model, resolution: 32, channels: 3, gWidth: 16, dWidth: 8 }],
];

describe('the layer table matches the engine’s real models', () => {
  it.each(variants)('%s', (_, model) => {
    const g = createGenerator(generatorSpecOf(model), 1);
    const d = createDiscriminator(model, 2);
    try {
      const gPlan = generatorPlan(model);
      const dPlan = discriminatorPlan(model);
      expect(gPlan.params).toBe(g.params.parameterCount());
      expect(dPlan.params).toBe(d.params.parameterCount());
      expect(planPerLayer(gPlan)).toEqual(enginePerLayer(g.params));
      expect(planPerLayer(dPlan)).toEqual(enginePerLayer(d.params));
      const out = tf.tidy(() => g.forward(tf.zeros([2, generatorSpecOf(model).zDim]) as tf.Tensor2D, false));
      expect(out.shape.slice(1)).toEqual(gPlan.rows.at(-1)!.output);
      out.dispose();
    } finally {
      g.dispose();
      d.dispose();
    }
  });
});
