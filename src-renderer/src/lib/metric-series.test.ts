import { describe, expect, it } from 'vitest';
import { stepPointSchema, type StepPoint } from '../../../src-main/api/training';
import { MetricSeries, metricKeys } from './metric-series';

describe('metricKeys', () => {
  it("are the contract's step metrics by name: every plotted field of a StepPoint, and only those", () => {
    // step is the x axis, stepMs feeds the timing line, epoch the status line; the rest are charted.
    const plotted = Object.keys(stepPointSchema.shape).filter((key) => !['step', 'stepMs', 'epoch'].includes(key));
    expect([...metricKeys].sort()).toEqual(plotted.sort());
  });
});

function point(step: number, over: Partial<StepPoint> = {}): StepPoint {
  return {
    step,
    dLoss: 1,
    gLoss: 2,
    dReal: 0.6,
    dFake: 0.4,
    wassersteinEstimate: null,
    gradientPenalty: null,
    r1Slope: null,
    gGradNorm: 0.5,
    dGradNorm: 0.25,
    stepMs: 10,
    imagesPerSecond: 3200,
    ...over,
  };
}

describe('MetricSeries', () => {
  it('keeps one sorted {x, y} array per metric and leaves gaps for missing values', () => {
    const series = new MetricSeries();
    series.append([point(1), point(2, { gLoss: null, dLoss: null }), point(3)]);
    expect(series.data.gLoss).toEqual([
      { x: 1, y: 2 },
      { x: 3, y: 2 },
    ]);
    expect(series.data.dReal).toHaveLength(3);
    expect(series.has('wassersteinEstimate')).toBe(false);
    expect(series.nonFiniteSteps).toEqual([2]);
    expect(series.lastStep).toBe(3);
  });

  it('drops the abandoned steps when a rollback restarts from an earlier step', () => {
    const series = new MetricSeries();
    const dLoss = series.data.dLoss;
    series.append([1, 2, 3, 4, 5].map((s) => point(s)));
    const revision = series.revision;
    series.append([point(3, { dLoss: 9 })]);
    expect(series.data.dLoss).toBe(dLoss); // same array, truncated in place for the charts
    expect(dLoss.map((p) => p.x)).toEqual([1, 2, 3]);
    expect(dLoss.at(-1)!.y).toBe(9);
    expect(series.revision).toBeGreaterThan(revision);
  });

  it('averages the most recent values', () => {
    const series = new MetricSeries();
    expect(series.recentMean('imagesPerSecond', 5)).toBeNull();
    series.append([point(1, { imagesPerSecond: 100 }), point(2, { imagesPerSecond: 200 }), point(3, { imagesPerSecond: 400 })]);
    expect(series.recentMean('imagesPerSecond', 2)).toBe(300);
    expect(series.recentMean('imagesPerSecond', 10)).toBeCloseTo(700 / 3, 9);
  });
});
