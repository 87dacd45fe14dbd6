/** The Model view's Sample builds the generator the form describes: its parameter count is the layer table's. */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { preset } from '../../api/training';
import type { BackendReport } from '../../api/schemas';
import { generatorPlan } from '../../shared/model-design/plan';
import { studioRequests } from '../../api/contract';
import { assertPreviewFits, previewGenerator } from './preview';

const backend = { active: 'cpu' } as BackendReport;

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('generator.preview', () => {
  it.each([
    ['dcgan', 8],
    ['dcgan', 64],
    ['mlp', 16],
  ] as const)('%s with G width %i has the parameters the layer table totals', async (architecture, gWidth) => {
    const model = { ...preset('dcgan').model, architecture, gWidth };
    const before = tf.memory().numTensors;
    const grid = await previewGenerator(
      { architecture, resolution: 28, channels: 1, zDim: model.zDim, upsample: 'transposed', width: gWidth, rows: 2, cols: 2, seed: 1 },
      backend,
    );
    expect(grid.parameters).toBe(generatorPlan(model).params);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('samples.preview (the renderer’s request)', () => {
  it('carries the G width to the engine instead of refusing or dropping it', () => {
    const request = { architecture: 'dcgan', resolution: 28, channels: 1, zDim: 64, upsample: 'transposed', width: 8, rows: 8, cols: 8, seed: 42 };
    expect(studioRequests['samples.preview'].input.parse(request)).toMatchObject({ width: 8 });
  });
});


describe('a Sample too big to draw', () => {
  it('is refused before anything is built, with the size it would need', () => {
    const huge = { architecture: 'dcgan' as const, resolution: 128 as 28 | 32 | 64 | 128, channels: 3 as const, zDim: 512, width: 1024, upsample: 'transposed' as const, rows: 1, cols: 1, seed: 1 };
    expect(() => assertPreviewFits(huge)).toThrow(/This generator needs about [\d.]+ GiB to draw a sample \([\d,]+ weights\), more than the [\d.]+ GiB a Sample may use: lower the width, z or the resolution/);
    // The Model view's largest ordinary designs still draw.
    expect(() => assertPreviewFits({ ...huge, resolution: 64, width: 128, zDim: 128, rows: 16, cols: 16 })).not.toThrow();
  });
});
