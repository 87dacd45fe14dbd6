/** Lines of metrics.jsonl as the app reads them back: non-finite values as null, older lines kept meaning what they meant. */
import { describe, expect, it } from 'vitest';
import { toStepPoint } from './step-point';

const line = (over: Record<string, unknown>) => ({ type: 'step', step: 5, dLoss: 0.6, gLoss: 1.2, dReal: 0.7, dFake: 0.3, stepMs: 150, imagesPerSecond: 400, ...over });

describe('toStepPoint', () => {
  it('reads non-finite and missing values as null', () => {
    const point = toStepPoint(line({ dLoss: Number.NaN, gLoss: Number.POSITIVE_INFINITY }));
    expect(point).toMatchObject({ dLoss: null, gLoss: null, realSign: null, epoch: null, r1Slope: null, gradientPenalty: null });
  });

  it('keeps WGAN-GP’s penalty and R1’s slope apart', () => {
    expect(toStepPoint(line({ wassersteinEstimate: 0.8, gradientPenalty: 0.05, r1Slope: null }))).toMatchObject({ gradientPenalty: 0.05, r1Slope: null });
    expect(toStepPoint(line({ wassersteinEstimate: null, gradientPenalty: null, r1Slope: 0.3 }))).toMatchObject({ gradientPenalty: null, r1Slope: 0.3 });
  });

  it('reads the slope of R1 runs logged before it had its own key (in gradientPenalty) as R1’s', () => {
    expect(toStepPoint(line({ wassersteinEstimate: null, gradientPenalty: 0.3 }))).toMatchObject({ gradientPenalty: null, r1Slope: 0.3 });
    // A WGAN-GP line of the same age keeps its penalty, a diverged one (no estimate) too, once r1Slope is logged.
    expect(toStepPoint(line({ wassersteinEstimate: 1.5, gradientPenalty: 0.02 }))).toMatchObject({ gradientPenalty: 0.02, r1Slope: null });
    expect(toStepPoint(line({ wassersteinEstimate: null, gradientPenalty: 0.02, r1Slope: null }))).toMatchObject({ gradientPenalty: 0.02, r1Slope: null });
  });
});
