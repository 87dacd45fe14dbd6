/** Several draws of one evaluation as one result: medians, ranges, and what a draw alone knows. */
import { describe, expect, it } from 'vitest';
import type { MetricValue } from '../../api/evaluation';
import { combineDraws } from './compute';

const kid = (value: number, baseline: number | null = 0.001, caveat?: string): MetricValue => ({
  metric: 'kid', value, std: 0.01, ci: null, baseline, baselineStd: 0.002, better: 'lower', ...(caveat ? { caveat } : {}),
});

describe('combineDraws', () => {
  it('takes each metric’s median (the mean of the middle two for an even count), its range, and the median baseline', () => {
    const [odd] = combineDraws([[kid(0.3, 0.002)], [kid(0.1, 0.001)], [kid(0.2, 0.004)]]);
    expect(odd).toEqual({ metric: 'kid', value: 0.2, std: null, ci: null, baseline: 0.002, baselineStd: null, better: 'lower', draws: { n: 3, low: 0.1, high: 0.3 } });
    const [even] = combineDraws([[kid(0.4)], [kid(0.1)], [kid(0.2)], [kid(0.3)]]);
    expect(even!.value).toBeCloseTo(0.25, 12);
    expect(even!.draws).toEqual({ n: 4, low: 0.1, high: 0.4 });
  });

  it('keeps the median draw’s caveat, leaves a non-finite draw out, and drops the range when one draw is left', () => {
    const [v] = combineDraws([[kid(0.1, 0.001, 'low one')], [kid(0.2, 0.001, 'middle one')], [kid(0.3)]]);
    expect(v!.caveat).toBe('middle one');
    const [withNaN] = combineDraws([[kid(0.1)], [kid(Number.NaN)], [kid(0.3)]]);
    expect(withNaN!.draws).toEqual({ n: 2, low: 0.1, high: 0.3 });
    expect(withNaN!.value).toBeCloseTo(0.2, 12);
    const [alone] = combineDraws([[kid(0.1)], [kid(Number.NaN)]]);
    expect(alone).toEqual(kid(0.1));
    // A baseline missing in any draw leaves the median baseline out rather than mixing.
    expect(combineDraws([[kid(0.1, null)], [kid(0.2)]])[0]!.baseline).toBeNull();
  });
});
