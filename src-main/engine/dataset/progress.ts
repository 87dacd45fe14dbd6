/**
 * Rate and ETA for one phase of an import, reported at most ten times a second: the events cross
 * two process boundaries to reach the window, and a 100k-file import must not send 100k of them.
 */
import type { ImportPhase, ImportProgress } from './types';

const MIN_INTERVAL_MS = 100;

export class ProgressMeter {
  readonly #phase: ImportPhase;
  readonly #total: number;
  readonly #emit: ((p: ImportProgress) => void) | undefined;
  readonly #started = performance.now();
  #done = 0;
  #lastEmit = -Infinity;

  constructor(phase: ImportPhase, total: number, emit: ((p: ImportProgress) => void) | undefined) {
    this.#phase = phase;
    this.#total = total;
    this.#emit = emit;
    this.#send(true);
  }

  get done(): number {
    return this.#done;
  }

  tick(n = 1): void {
    this.#done += n;
    this.#send(false);
  }

  /** The last event of the phase, always sent. */
  finish(): void {
    this.#send(true);
  }

  #send(force: boolean): void {
    if (!this.#emit) return;
    const now = performance.now();
    if (!force && now - this.#lastEmit < MIN_INTERVAL_MS) return;
    this.#lastEmit = now;
    const seconds = (now - this.#started) / 1000;
    // The average over the whole phase: steadier than an instantaneous rate, and the phase is
    // homogeneous work, so it does not go stale.
    const imagesPerSecond = seconds > 0.05 && this.#done > 0 ? this.#done / seconds : 0;
    const remaining = Math.max(0, this.#total - this.#done);
    const etaSeconds = imagesPerSecond > 0 && this.#total > 0 ? remaining / imagesPerSecond : null;
    this.#emit({ phase: this.#phase, done: this.#done, total: this.#total, imagesPerSecond, etaSeconds });
  }
}
