import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { registerTrainingKernels } from '../backend/kernels';
import { ensureGradientsRegistered } from '../ops/gradients';
import { tinyConfig } from '../training/testing-config';
import { MeasureInterrupted, measureTraining, standInImages } from './measure';

beforeAll(async () => {
  await ensureGradientsRegistered();
  await tf.setBackend('wasm');
  registerTrainingKernels('wasm');
});

describe('measureTraining', () => {
  it('times real steps of a throwaway model and leaves no tensor behind', async () => {
    const config = tinyConfig({ batchSize: 8, model: { architecture: 'cdcgan', numClasses: 10 } });
    const before = tf.memory().numTensors;
    const m = await measureTraining(config, 'wasm', { maxSteps: 3 });
    expect(tf.memory().numTensors).toBe(before);
    expect(m.backend).toBe('wasm');
    expect(m.stepsMeasured).toBeGreaterThanOrEqual(1);
    expect(m.stepsMeasured).toBeLessThanOrEqual(3);
    expect(m.msPerStep).toBeGreaterThan(0);
    expect(m.imagesPerSecond).toBeCloseTo((8 * 1000) / m.msPerStep, 6);
  });

  it('measures the warm-up step alone when it already exceeds the budget', async () => {
    const m = await measureTraining(tinyConfig(), 'wasm', { budgetMs: 0 });
    expect(m.stepsMeasured).toBe(0);
    expect(m.msPerStep).toBe(m.firstStepMs);
  });

  it('gives up between steps when told to, still disposing the model', async () => {
    const before = tf.memory().numTensors;
    let calls = 0;
    const measuring = measureTraining(tinyConfig(), 'wasm', { interrupted: () => (++calls > 1 ? 'a run started' : null) });
    await expect(measuring).rejects.toThrow(MeasureInterrupted);
    expect(calls).toBe(2);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('makes stand-in images of the model’s shape with balanced labels', () => {
    const data = standInImages(tinyConfig({ batchSize: 6, model: { architecture: 'cdcgan', numClasses: 3, resolution: 32, channels: 3 } }));
    expect(data).toMatchObject({ count: 16, width: 32, height: 32, channels: 3 });
    expect(data.images.length).toBe(16 * 32 * 32 * 3);
    expect([...data.labels.slice(0, 4)]).toEqual([0, 1, 2, 0]);
    expect(data.classNames).toHaveLength(3);
  });
});
