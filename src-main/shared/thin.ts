/** Timelines over a run (sample grids for a timelapse, checkpoints in the explorer) show a bounded number of frames. */

/** At most `max` items spread evenly, always keeping the first and the last. */
export function thinEvenly<T>(items: readonly T[], max: number): T[] {
  if (items.length <= max) return [...items];
  return Array.from({ length: max }, (_, i) => items[Math.round((i * (items.length - 1)) / (max - 1))]!);
}
