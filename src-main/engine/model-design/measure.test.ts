import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { registerTrainingKernels } from '../backend/kernels';
import { ensureGradientsRegistered } from '../ops/gradients';
import { tinyConfig } from '../training/testing-config';
import { MeasureInterrupted, measureTraining, standInImages, timeSteps } from './measure';

beforeAll(async () => {
  await ensureGradientsRegistered();
  await tf.setBackend('wasm');
  registerTrainingKernels('wasm');
});

describe('measureTraining', () => {
  it('times real steps of a throwaway model and leaves no tensor behind', async () => {
    const config = tinyConfig({ batchSize: 8, model: { architecture: 'cdcgan', numClasses: 10 } });
    const before = tf.memory().numTensors;
    const m = await measureTraining(config, 'wasm', { maxSteps: 4 });
    expect(tf.memory().numTensors).toBe(before);
    expect(m.backend).toBe('wasm');
    // A tiny model's steps take milliseconds: the minimum of 3 timed steps, at most 4.
    expect(m.stepsMeasured).toBeGreaterThanOrEqual(3);
    expect(m.stepsMeasured).toBeLessThanOrEqual(4);
    expect(m.msPerStep).toBeGreaterThan(0);
    expect(m.imagesPerSecond).toBeCloseTo((8 * 1000) / m.msPerStep, 6);
  });

  it('times at least one step after the warm-up, even over budget', async () => {
    const m = await measureTraining(tinyConfig(), 'wasm', { budgetMs: 0, limitMs: 0 });
    expect(m.stepsMeasured).toBe(1);
    expect(m.firstStepMs).toBeGreaterThan(0);
  });

  it('leaves the warm-up step out and takes the median of the timed ones', async () => {
    // `step` reports made-up durations: the loop decides from what steps report, never the clock.
    const scripted = (ms: number[]) => {
      let calls = 0;
      return { step: async () => ms[Math.min(calls++, ms.length - 1)]!, calls: () => calls };
    };
    // A slow warm-up (kernels, memory), then fast steps: the warm-up is not what the estimate uses.
    const fast = scripted([9000, 120, 100, 80, 100]);
    const quick = await timeSteps(fast.step, { minSteps: 3, maxSteps: 7, budgetMs: 5000 });
    expect(quick.warmupMs).toBe(9000);
    expect(quick.times).toEqual([120, 100, 80, 100, 100, 100, 100]);
    expect(fast.calls()).toBe(1 + 7);

    // Steps of 3 s: over the 5 s budget, still the minimum of 3, then no more.
    const slow = scripted([9000, 3000]);
    expect((await timeSteps(slow.step, { minSteps: 3, maxSteps: 7, budgetMs: 5000, limitMs: 20_000 })).times).toHaveLength(3);
    expect(slow.calls()).toBe(4);

    // Steps of 15 s: a second would pass the 20 s limit, so one timed step — never the warm-up alone.
    const huge = scripted([60_000, 15_000]);
    const one = await timeSteps(huge.step, { minSteps: 3, budgetMs: 5000, limitMs: 20_000 });
    expect(one).toEqual({ warmupMs: 60_000, times: [15_000] });
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
