/**
 * The fixed-noise sample grids received this session, oldest first, as data URLs the <img> can
 * show directly. Immutable updates so a `$state.raw` array notices them. A long run would keep
 * thousands, so past `cap` every other older frame is dropped: the timeline keeps its whole span
 * at half the density, and the newest frame always stays.
 */
export interface Frame {
  step: number;
  url: string;
  width: number;
  height: number;
}

export const DEFAULT_FRAME_CAP = 400;

export function addFrame(frames: readonly Frame[], frame: Frame, cap = DEFAULT_FRAME_CAP): Frame[] {
  // A grid at or before the newest one means the run rolled back: the later frames are history
  // that no longer happened.
  const kept = frames.at(-1) && frame.step <= frames.at(-1)!.step ? frames.filter((f) => f.step < frame.step) : [...frames];
  kept.push(frame);
  if (kept.length <= cap) return kept;
  const newest = kept.pop()!;
  const thinned = kept.filter((_, i) => i % 2 === 0);
  thinned.push(newest);
  return thinned;
}
