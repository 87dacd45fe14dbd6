/**
 * A run's in-training evaluations as chart lines (value and real-vs-real baseline by step), plain
 * arrays like MetricSeries so the chart can hold them. A step at or below the last one means the
 * run was rolled back or resumed: the abandoned points are dropped. Values are at the display scale
 * (KID ×10³), as the Evaluate view shows them.
 */
import type { TrainingEvalPoint } from '../../../../src-main/api/evaluation';
import type { XY } from '../smoothing';
import { displayed } from './report';

export class EvalSeries {
  readonly value: XY[] = [];
  readonly baseline: XY[] = [];
  /** Bumped when points were removed, so charts start their copies over. */
  revision = 0;
  metric: TrainingEvalPoint['metric'] | null = null;
  /** Step of the evaluation that made the current best checkpoint. */
  bestStep: number | null = null;
  #points: TrainingEvalPoint[] = [];

  append(points: readonly TrainingEvalPoint[]): void {
    for (const point of points) {
      const last = this.#points.at(-1);
      if (last && point.step <= last.step) this.truncateFrom(point.step);
      this.#points.push(point);
      this.metric = point.metric;
      this.value.push({ x: point.step, y: displayed(point.metric, point.value) });
      if (point.baseline !== null) this.baseline.push({ x: point.step, y: displayed(point.metric, point.baseline) });
      if (point.best) this.bestStep = point.step;
    }
  }

  get points(): readonly TrainingEvalPoint[] {
    return this.#points;
  }

  private truncateFrom(step: number): void {
    this.#points = this.#points.filter((p) => p.step < step);
    // In place: the chart holds these arrays. (−1 >>> 0 is past the end: nothing to cut.)
    const keep = (xy: XY[]) => xy.splice(xy.findIndex((p) => p.x >= step) >>> 0);
    keep(this.value);
    keep(this.baseline);
    this.bestStep = this.#points.filter((p) => p.best).at(-1)?.step ?? null;
    this.revision++;
  }
}
