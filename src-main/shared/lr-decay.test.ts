import { describe, expect, it } from 'vitest';
import { lrDecayFactor } from './lr-decay';

describe('learning-rate decay', () => {
  it('keeps full rates without decay, whatever the step', () => {
    for (const step of [0, 5, 10, 50]) expect(lrDecayFactor(step, 10, 0)).toBe(1);
  });

  it('holds full rates for the first part, then falls in a straight line to the last update', () => {
    // 10 steps, the last half decaying: updates 0–5 at full rate, then 4/5, 3/5, 2/5, 1/5.
    const factors = Array.from({ length: 10 }, (_, step) => lrDecayFactor(step, 10, 0.5));
    expect(factors).toEqual([1, 1, 1, 1, 1, 1, 0.8, 0.6, 0.4, 0.2].map((f) => expect.closeTo(f, 12)));
    // The whole run: the first update at full rate, the last at 1/steps.
    expect(lrDecayFactor(0, 4, 1)).toBe(1);
    expect(lrDecayFactor(3, 4, 1)).toBe(0.25);
  });

  it('stops at 0 past the run’s end (a run continued beyond its steps does not learn backwards)', () => {
    expect(lrDecayFactor(10, 10, 0.5)).toBe(0);
    expect(lrDecayFactor(12, 10, 0.5)).toBe(0);
  });
});
