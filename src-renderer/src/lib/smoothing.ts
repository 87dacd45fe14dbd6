/**
 * TensorBoard's scalar smoothing: an exponential moving average with the start-up bias removed, so
 * the first smoothed values are not dragged towards zero. Pure and incremental, because charts
 * append points as they stream in and should not re-smooth the whole history each time.
 */

/** The slider's range: 0 shows raw values, 0.99 averages over roughly the last hundred points. */
export const MIN_SMOOTHING = 0;
export const MAX_SMOOTHING = 0.99;

export function clampSmoothing(weight: number): number {
  if (!Number.isFinite(weight)) return MIN_SMOOTHING;
  return Math.min(MAX_SMOOTHING, Math.max(MIN_SMOOTHING, weight));
}

/** Smooths one series a value at a time. Non-finite values pass through and do not disturb it. */
export class EmaSmoother {
  readonly weight: number;
  #last = 0;
  #count = 0;

  constructor(weight: number) {
    this.weight = clampSmoothing(weight);
  }

  push(value: number): number {
    if (!Number.isFinite(value) || this.weight === 0) return value;
    this.#last = this.#last * this.weight + (1 - this.weight) * value;
    this.#count++;
    // 1 − wⁿ is the total weight the average has collected so far; dividing by it debiases.
    return this.#last / (1 - this.weight ** this.#count);
  }

  reset(): void {
    this.#last = 0;
    this.#count = 0;
  }
}

export function smooth(values: readonly number[], weight: number): number[] {
  const smoother = new EmaSmoother(weight);
  return values.map((value) => smoother.push(value));
}

export interface XY {
  x: number;
  y: number;
}

/** A smoothed chart point that remembers the raw value it stands for, for tooltips. */
export interface SmoothedXY extends XY {
  raw: number;
}

/**
 * Keeps a smoothed copy of an append-only series up to date: `sync` smooths only the points added
 * since the last call, and starts over when the source shrank (a rollback truncates it) or the
 * weight changed. The output array is reused so a chart can hold on to it.
 */
export class SmoothedSeries {
  readonly points: SmoothedXY[] = [];
  #smoother: EmaSmoother;
  #source: readonly XY[] | null = null;
  #revision = -1;
  /** Bumped whenever `points` was rebuilt rather than appended to. */
  generation = 0;

  constructor(weight: number) {
    this.#smoother = new EmaSmoother(weight);
  }

  get weight(): number {
    return this.#smoother.weight;
  }

  /** `revision` changes whenever the source was truncated, so a resync is needed. */
  sync(source: readonly XY[], revision = 0, weight = this.weight): void {
    const w = clampSmoothing(weight);
    if (source !== this.#source || revision !== this.#revision || w !== this.weight || source.length < this.points.length) {
      this.#smoother = new EmaSmoother(w);
      this.#source = source;
      this.#revision = revision;
      this.points.length = 0;
      this.generation++;
    }
    for (let i = this.points.length; i < source.length; i++) {
      const { x, y } = source[i]!;
      this.points.push({ x, y: this.#smoother.push(y), raw: y });
    }
  }
}
