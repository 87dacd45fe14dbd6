/**
 * The streamed step metrics of one run as plain {x: step, y} arrays, one per metric. Deliberately
 * not reactive: charts hold these arrays and are told to redraw, so 100k points never pass through
 * a proxy. Points arrive in step order; a step at or below the last one means the run rolled back,
 * and the abandoned steps are dropped so each chart stays one continuous, sorted line.
 */
import type { StepPoint } from '../../../src-main/api/training';
import type { XY } from './smoothing';

export const metricKeys = [
  'dLoss',
  'gLoss',
  'dReal',
  'dFake',
  'wassersteinEstimate',
  'gradientPenalty',
  'r1Slope',
  'realSign',
  'augmentStrength',
  'gGradNorm',
  'dGradNorm',
  'imagesPerSecond',
] as const satisfies readonly (keyof StepPoint)[];
export type MetricKey = (typeof metricKeys)[number];

export class MetricSeries {
  readonly data: Record<MetricKey, XY[]>;
  /** Bumped whenever points were removed, so smoothed copies know to start over. */
  revision = 0;
  lastStep = 0;
  /** Passes over the dataset at the newest point, when the engine knows the dataset's size. */
  epoch: number | null = null;
  /** Steps whose losses were non-finite (the run diverged there). */
  readonly nonFiniteSteps: number[] = [];

  constructor() {
    this.data = Object.fromEntries(metricKeys.map((key) => [key, []])) as unknown as Record<MetricKey, XY[]>;
  }

  append(points: readonly StepPoint[]): void {
    for (const point of points) {
      if (point.step <= this.lastStep) this.truncateFrom(point.step);
      this.lastStep = point.step;
      this.epoch = point.epoch ?? null;
      for (const key of metricKeys) {
        const value = point[key];
        // Missing (null) values leave a gap rather than a zero that would look like data.
        if (value !== null && Number.isFinite(value)) this.data[key].push({ x: point.step, y: value });
      }
      if (point.dLoss === null || point.gLoss === null) this.nonFiniteSteps.push(point.step);
    }
  }

  /** Drops every point at `step` and after. */
  truncateFrom(step: number): void {
    for (const key of metricKeys) {
      const list = this.data[key];
      const keep = lowerBound(list, step);
      if (keep < list.length) list.length = keep;
    }
    const keep = this.nonFiniteSteps.findIndex((s) => s >= step);
    if (keep >= 0) this.nonFiniteSteps.length = keep;
    this.lastStep = Math.min(this.lastStep, step - 1);
    this.revision++;
  }

  has(key: MetricKey): boolean {
    return this.data[key].length > 0;
  }

  /** Mean of the last `count` values of a metric, or null when there are none. */
  recentMean(key: MetricKey, count: number): number | null {
    const list = this.data[key];
    const from = Math.max(0, list.length - count);
    if (from === list.length) return null;
    let sum = 0;
    for (let i = from; i < list.length; i++) sum += list[i]!.y;
    return sum / (list.length - from);
  }
}

/** First index whose x is ≥ step (arrays are sorted by x). */
function lowerBound(list: readonly XY[], step: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (list[mid]!.x < step) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
