import { describe, expect, it } from 'vitest';
import { EARLY_FACTOR, earlySampleGap, isSampleStep, nextSampleStep } from './sample-schedule';

const sampleSteps = (sampleEvery: number, steps: number) => Array.from({ length: steps }, (_, i) => i + 1).filter((s) => isSampleStep(s, sampleEvery));

describe('sample schedule', () => {
  it('draws a grid at step 1, every tenth step over the first 250 and then every 50 (the presets)', () => {
    expect(earlySampleGap(50)).toBe(10);
    const steps = sampleSteps(50, 400);
    expect(steps.slice(0, 6)).toEqual([1, 10, 20, 30, 40, 50]);
    expect(steps.filter((s) => s <= 250)).toHaveLength(26);
    expect(steps.filter((s) => s > 250)).toEqual([300, 350, 400]);
  });

  it('adds no early grids closer than 5 steps apart: a small interval is already dense', () => {
    expect(earlySampleGap(10)).toBeNull();
    expect(earlySampleGap(24)).toBeNull();
    expect(earlySampleGap(25)).toBe(5);
    expect(sampleSteps(10, 40)).toEqual([1, 10, 20, 30, 40]);
    expect(sampleSteps(1, 3)).toEqual([1, 2, 3]);
  });

  it('says which step draws the next grid, exactly the steps that do', () => {
    for (const sampleEvery of [1, 7, 10, 25, 50, 333]) {
      const steps = 3 * EARLY_FACTOR * sampleEvery;
      const drawn = sampleSteps(sampleEvery, steps);
      for (let step = 0; step <= steps; step++) {
        expect(nextSampleStep(step, sampleEvery, steps)).toBe(drawn.find((s) => s > step) ?? null);
      }
    }
  });
});
