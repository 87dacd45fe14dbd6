import { describe, expect, it } from 'vitest';
import { preset } from '../../../../src-main/api/training';
import { trainStepFlops } from '../../../../src-main/shared/model-design/cost';
import { designSummary, estimateTime, formatShort, measuredHow, stepKey } from './estimate';
import { formatBytes } from '../format';

const dcgan = preset('dcgan');
const measured = { config: dcgan, measurement: { backend: 'wasm' as const, msPerStep: 500, imagesPerSecond: 128, firstStepMs: 900, stepsMeasured: 3 } };

describe('estimateTime', () => {
  it('uses the measured step time for the same step, whatever the run length', () => {
    const estimate = estimateTime({ ...dcgan, steps: 20_000, seed: 7, sampleEvery: 10 }, measured, 'wasm');
    expect(estimate).toMatchObject({ source: 'measured', msPerStep: 500, totalMs: 500 * 20_000, imagesPerSecond: 128 });
  });

  it('scales another config’s speed by FLOPs on the same backend', () => {
    const bigger = { ...dcgan, batchSize: 128 };
    const estimate = estimateTime(bigger, measured, 'wasm')!;
    expect(estimate.source).toBe('scaled');
    expect(estimate.msPerStep).toBeCloseTo((500 * trainStepFlops(bigger)) / trainStepFlops(dcgan), 6);
    expect(estimate.msPerStep).toBeCloseTo(1000, 6);
  });

  it('knows nothing without a measurement on this backend', () => {
    expect(estimateTime(dcgan, null, 'wasm')).toBeNull();
    expect(estimateTime(dcgan, measured, 'tensorflow')).toBeNull();
  });

  it('says how many steps were timed, the warm-up left out', () => {
    const estimate = estimateTime(dcgan, measured, 'wasm')!;
    expect(measuredHow(estimate, measured.measurement)).toBe('median of 3 timed steps after a warm-up step');
    const one = { ...measured.measurement, stepsMeasured: 1 };
    expect(measuredHow(estimate, one)).toBe('1 timed step after a warm-up step (steps take seconds: fewer timed)');
    const scaled = estimateTime({ ...dcgan, batchSize: 128 }, measured, 'wasm')!;
    expect(measuredHow(scaled, measured.measurement)).toMatch(/^scaled from a measured \d+\.\d GFLOP\/s; median of 3 timed steps/);
  });

  it('keys a step by what it computes', () => {
    expect(stepKey({ ...dcgan, steps: 1, seed: 1, checkpointEvery: 3 })).toBe(stepKey(dcgan));
    expect(stepKey({ ...dcgan, nCritic: 2 })).not.toBe(stepKey(dcgan));
  });
});

describe('formatting', () => {
  it('shortens sizes and counts', () => {
    // One convention across the app: binary units, spelt GiB and MiB (this read "2.3 GB" here).
    expect(formatBytes(2.34 * 2 ** 30)).toBe('2.3 GiB');
    expect(formatBytes(157 * 2 ** 20)).toBe('157 MiB');
    expect(formatShort(3_281_795)).toBe('3.3 M');
    expect(formatShort(41_697)).toBe('41.7 k');
    expect(formatShort(950)).toBe('950');
  });
});

describe('designSummary', () => {
  it('sizes a valid draft: tables, step FLOPs and memory', () => {
    const summary = designSummary(dcgan)!;
    expect(summary.g.params + summary.d.params).toBe(533_889 + 36_577);
    expect(summary.stepFlops).toBe(trainStepFlops(dcgan));
    expect(summary.memory!.total).toBeGreaterThan(0);
  });

  it('still sizes a combination the schema refuses, but not a model it cannot build', () => {
    const refused = { ...dcgan, loss: { ...dcgan.loss, kind: 'wgan-gp' as const } };
    expect(designSummary(refused)!.stepFlops).toBeGreaterThan(trainStepFlops(dcgan));
    expect(designSummary({ ...dcgan, batchSize: null })).toMatchObject({ stepFlops: null, memory: null });
    expect(designSummary({ ...dcgan, model: { ...dcgan.model, zDim: undefined } })).toBeNull();
  });
});
