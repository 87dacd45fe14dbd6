/**
 * A step's metrics in the shape the app streams and charts. NaN and ±Infinity (what a diverging run
 * produces) cannot cross JSON and fail validation, so they travel as null; the same conversion
 * serves live steps and lines read back from metrics.jsonl.
 */
import type { StepPoint } from '../api/training';

export function toStepPoint(line: Record<string, unknown>): StepPoint {
  const num = (key: string) => (typeof line[key] === 'number' && Number.isFinite(line[key]) ? (line[key] as number) : null);
  // R1 runs logged before r1Slope had a key of its own (2026-12-06) wrote the slope in
  // gradientPenalty. Only WGAN-GP logs a penalty, and always with its Wasserstein estimate; R1
  // cannot go with the Wasserstein losses: a penalty without an estimate is R1's slope.
  const legacyR1 = !('r1Slope' in line) && num('wassersteinEstimate') === null && num('gradientPenalty') !== null;
  return {
    step: line.step as number,
    dLoss: num('dLoss'),
    gLoss: num('gLoss'),
    dReal: num('dReal'),
    dFake: num('dFake'),
    wassersteinEstimate: num('wassersteinEstimate'),
    gradientPenalty: legacyR1 ? null : num('gradientPenalty'),
    r1Slope: legacyR1 ? num('gradientPenalty') : num('r1Slope'),
    realSign: num('realSign'),
    augmentStrength: num('augmentStrength'),
    gGradNorm: num('gGradNorm'),
    dGradNorm: num('dGradNorm'),
    stepMs: num('stepMs') ?? 0,
    imagesPerSecond: num('imagesPerSecond') ?? 0,
    epoch: num('epoch'),
  };
}
