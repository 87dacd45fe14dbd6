/** The Model view's Sample builds the generator the form describes: its parameter count is the layer table's. */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { preset } from '../../api/training';
import type { BackendReport } from '../../api/schemas';
import { generatorPlan } from '../../shared/model-design/plan';
import { studioRequests } from '../../api/contract';
import { previewGenerator } from './preview';

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

