/**
 * The learning-rate schedule (`optimizer.lrDecay`): full rates, then a linear fall to 0 over the last
 * `decay` share of the run's steps. A pure function of the step, so a resumed run follows the same
 * schedule as an unbroken one, and a live edit of a rate sets the rate the schedule scales.
 */
export function lrDecayFactor(step: number, steps: number, decay: number): number {
  if (!(decay > 0)) return 1;
  const span = decay * steps;
  // `step` counts the updates made before this one, so the last of `steps` updates uses 1/span.
  const left = steps - step;
  return Math.max(0, Math.min(1, left / span));
}
