/**
 * Bounded-size copy of an append-only series for drawing. Consecutive points are grouped into
 * buckets and each bucket is drawn as its lowest and highest point, so spikes survive (a loss
 * spike is exactly what a user must not miss). When the buckets outgrow the cap, neighbours merge
 * and the bucket size doubles; below the cap the copy is exact. chart.js's LTTB decimation then
 * works on at most `cap` points instead of the whole run, which keeps redraws flat at 100k+ steps.
 */
import type { XY } from './smoothing';

interface Bucket<P extends XY> {
  min: P;
  max: P;
  count: number;
}

export const DEFAULT_DRAW_CAP = 4096;

export class DownsampledSeries<P extends XY = XY> {
  /**
   * What to draw. A new array after every change: chart.js treats a new array as new data and
   * reuses its elements, whereas pushes into an array it watches are replayed one by one.
   */
  points: P[] = [];
  #buckets: Bucket<P>[] = [];
  #bucketSize = 1;
  #consumed = 0;
  #first: P | null = null;
  #last: P | null = null;
  #source: readonly P[] | null = null;
  #revision = -1;

  /** `cap`: the most points drawn (two per bucket, plus the first and newest). */
  constructor(readonly cap = DEFAULT_DRAW_CAP) {}

  get bucketSize(): number {
    return this.#bucketSize;
  }

  /**
   * Takes in what was appended to `source`; starts over when it shrank or `revision` moved.
   * Returns whether `points` changed.
   */
  sync(source: readonly P[], revision = 0): boolean {
    if (source !== this.#source || revision !== this.#revision || source.length < this.#consumed) {
      this.#source = source;
      this.#revision = revision;
      this.#buckets = [];
      this.#bucketSize = 1;
      this.#consumed = 0;
      this.#first = null;
      this.#last = null;
    } else if (this.#consumed === source.length) return false;
    for (let i = this.#consumed; i < source.length; i++) this.#add(source[i]!);
    this.#consumed = source.length;
    this.#emit();
    return true;
  }

  #add(point: P): void {
    this.#first ??= point;
    this.#last = point;
    const last = this.#buckets.at(-1);
    if (last && last.count < this.#bucketSize) {
      if (point.y < last.min.y) last.min = point;
      if (point.y > last.max.y) last.max = point;
      last.count++;
      return;
    }
    this.#buckets.push({ min: point, max: point, count: 1 });
    if (this.#buckets.length * 2 > this.cap) this.#merge();
  }

  #merge(): void {
    const merged: Bucket<P>[] = [];
    for (let i = 0; i < this.#buckets.length; i += 2) {
      const a = this.#buckets[i]!;
      const b = this.#buckets[i + 1];
      if (!b) {
        merged.push(a);
        continue;
      }
      merged.push({
        min: b.min.y < a.min.y ? b.min : a.min,
        max: b.max.y > a.max.y ? b.max : a.max,
        count: a.count + b.count,
      });
    }
    this.#buckets = merged;
    this.#bucketSize *= 2;
  }

  #emit(): void {
    const out: P[] = [];
    this.points = out;
    // The line starts at the first step and ends at the newest one, whatever the buckets picked.
    const push = (point: P) => {
      if (point !== out.at(-1)) out.push(point);
    };
    if (this.#first) push(this.#first);
    for (const { min, max } of this.#buckets) {
      if (min.x <= max.x) {
        push(min);
        push(max);
      } else {
        push(max);
        push(min);
      }
    }
    if (this.#last) push(this.#last);
  }
}

/** A closed range of training steps the charts are zoomed to. */
export interface StepRange {
  min: number;
  max: number;
}

/** The points with min ≤ x ≤ max of a series sorted by x, plus one neighbour each side so lines run to the edges. */
export function sliceByX<P extends XY>(points: readonly P[], range: StepRange): P[] {
  const lowerBound = (x: number) => {
    let lo = 0;
    let hi = points.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (points[mid]!.x < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const start = Math.max(0, lowerBound(range.min) - 1);
  const end = Math.min(points.length, lowerBound(range.max + Number.EPSILON * Math.abs(range.max) + 1e-9) + 1);
  return points.slice(start, end);
}

/** Downsamples only what a zoomed chart shows, so zooming in reveals every step again. */
export function downsampleRange<P extends XY>(points: readonly P[], range: StepRange, cap = DEFAULT_DRAW_CAP): P[] {
  const slice = sliceByX(points, range);
  const down = new DownsampledSeries<P>(cap);
  down.sync(slice);
  return down.points;
}
