/**
 * When a run saves its fixed-noise sample grid (the engine saves it, the Train view says when the
 * next one comes): at step 1, then every `sampleEvery` steps, and EARLY_FACTOR times as often over
 * the first EARLY_FACTOR intervals, so the first minute of a run shows the samples leave the noise
 * and the first recognisable grid is on screen soon after the generator draws it (#20). Early grids
 * are never closer than MIN_EARLY_GAP steps: with a small `sampleEvery` the plain cadence is
 * already dense.
 */
export const EARLY_FACTOR = 5;
export const MIN_EARLY_GAP = 5;

/** Steps between the early grids, or null when there are none (`sampleEvery` under 25). */
export function earlySampleGap(sampleEvery: number): number | null {
  const gap = Math.floor(sampleEvery / EARLY_FACTOR);
  return gap >= MIN_EARLY_GAP && gap < sampleEvery ? gap : null;
}

/** Whether `step` (1-based) saves a sample grid. */
export function isSampleStep(step: number, sampleEvery: number): boolean {
  if (step === 1 || step % sampleEvery === 0) return true;
  const gap = earlySampleGap(sampleEvery);
  return gap !== null && step < EARLY_FACTOR * sampleEvery && step % gap === 0;
}

/** The first step after `step` that saves a grid, or null when none does up to `steps`. */
export function nextSampleStep(step: number, sampleEvery: number, steps: number): number | null {
  let next = step < 1 ? 1 : Math.ceil((step + 1) / sampleEvery) * sampleEvery;
  const gap = earlySampleGap(sampleEvery);
  if (step >= 1 && gap !== null && step + 1 < EARLY_FACTOR * sampleEvery) next = Math.min(next, Math.ceil((step + 1) / gap) * gap);
  return next <= steps ? next : null;
}
