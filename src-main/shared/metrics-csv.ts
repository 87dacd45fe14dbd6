/**
 * A run's step metrics as CSV (RFC 4180, one row per logged step), the same from the Train view's
 * button and `gan-studio metrics --csv`. Empty cells where a value is not logged for the loss (the
 * Wasserstein estimate outside WGAN) or was not finite (a diverging run).
 */
import type { StepPoint } from '../api/training';

/** The columns, in order: metrics.jsonl's step fields (README "metrics.jsonl"); new ones go at the end. */
export const metricColumns = [
  'step',
  'dLoss',
  'gLoss',
  'dReal',
  'dFake',
  'wassersteinEstimate',
  'gradientPenalty',
  'gGradNorm',
  'dGradNorm',
  'stepMs',
  'imagesPerSecond',
  'epoch',
  // Added with adaptive augmentation: last, so scripts that read columns by position keep working.
  'realSign',
  'augmentStrength',
  // Added with R1 (before it, an R1 run's slope sat in gradientPenalty for one day of development).
  'r1Slope',
] as const satisfies readonly (keyof StepPoint)[];

export function metricsCsv(points: readonly StepPoint[]): string {
  const rows = points.map((p) => metricColumns.map((c) => (p[c] === null ? '' : String(p[c]))).join(','));
  return [metricColumns.join(','), ...rows].join('\r\n') + '\r\n';
}
