import { describe, expect, it } from 'vitest';
import type { StepPoint } from '../api/training';
import { metricColumns, metricsCsv } from './metrics-csv';

const point = (step: number, over: Partial<StepPoint> = {}): StepPoint => ({
  step,
  dLoss: 0.5,
  gLoss: 1.25,
  dReal: 0.7,
  dFake: 0.3,
  wassersteinEstimate: null,
  gradientPenalty: null,
  r1Slope: null,
  realSign: 0.5,
  augmentStrength: null,
  gGradNorm: 2,
  dGradNorm: 3,
  stepMs: 120.5,
  imagesPerSecond: 531,
  epoch: 0.0064,
  ...over,
});

describe('metricsCsv', () => {
  it('writes a header and one row per step, with empty cells for values that are not logged', () => {
    const csv = metricsCsv([point(1), point(2, { dLoss: null, wassersteinEstimate: -0.25 })]);
    const [header, first, second, end] = csv.split('\r\n');
    expect(header).toBe(metricColumns.join(','));
    expect(first).toBe('1,0.5,1.25,0.7,0.3,,,2,3,120.5,531,0.0064,0.5,,');
    expect(second).toBe('2,,1.25,0.7,0.3,-0.25,,2,3,120.5,531,0.0064,0.5,,');
    expect(end).toBe('');
  });

  it('round-trips every number exactly (a spreadsheet or pandas reads what the log holds)', () => {
    const p = point(7, { gLoss: 0.1 + 0.2, dLoss: 1e-12 });
    const row = metricsCsv([p]).split('\r\n')[1]!.split(',');
    metricColumns.forEach((c, i) => expect(row[i] === '' ? null : Number(row[i])).toBe(p[c]));
  });
});
