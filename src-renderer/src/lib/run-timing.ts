/**
 * Wall-clock bookkeeping for a training run: how long it has been running (pauses excluded), its
 * recent speed in steps per second, the ETA to the target step count and the time to the first
 * sample grid. Pure; callers pass `now` (ms) so it is testable without timers.
 */

/** Steps per second over a sliding window of (time, step) observations. */
export class RateMeter {
  #samples: { t: number; step: number }[] = [];

  constructor(readonly windowMs = 20_000) {}

  add(step: number, now: number): void {
    const last = this.#samples.at(-1);
    // A step going backwards is a rollback: the speed so far says nothing about what follows.
    if (last && step < last.step) this.#samples = [];
    this.#samples.push({ t: now, step });
    while (this.#samples.length > 2 && now - this.#samples[1]!.t > this.windowMs) this.#samples.shift();
  }

  reset(): void {
    this.#samples = [];
  }

  /** Null until the window spans at least `minSpanMs` and some progress. */
  stepsPerSecond(minSpanMs = 1_000): number | null {
    const first = this.#samples[0];
    const last = this.#samples.at(-1);
    if (!first || !last) return null;
    const dt = last.t - first.t;
    const ds = last.step - first.step;
    if (dt < minSpanMs || ds <= 0) return null;
    return (ds * 1000) / dt;
  }
}

/** Milliseconds until `target` at `stepsPerSecond`, or null when the speed is not known yet. */
export function etaMs(step: number, target: number, stepsPerSecond: number | null): number | null {
  if (step >= target) return 0;
  if (!stepsPerSecond || !Number.isFinite(stepsPerSecond) || stepsPerSecond <= 0) return null;
  return ((target - step) / stepsPerSecond) * 1000;
}

/** "850 ms", "42 s", "3 min 05 s", "2 h 07 min", "3 d 4 h". */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${String(s % 60).padStart(2, '0')} s`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h} h ${String(m % 60).padStart(2, '0')} min`;
  return `${Math.floor(h / 24)} d ${h % 24} h`;
}

/**
 * Running time of one run as seen from this window. `partial` is true when the run was already
 * under way when this window first saw it, so the elapsed time is a lower bound.
 */
export class RunClock {
  #accumulated = 0;
  #runningSince: number | null = null;
  #startedAt: number | null = null;
  firstGridMs: number | null = null;
  partial = false;

  /** `fresh`: the run starts now (step 0); otherwise it was found already going. */
  begin(now: number, fresh: boolean): void {
    this.#accumulated = 0;
    this.#runningSince = null;
    this.#startedAt = fresh ? now : null;
    this.firstGridMs = null;
    this.partial = !fresh;
  }

  setRunning(running: boolean, now: number): void {
    if (running && this.#runningSince === null) this.#runningSince = now;
    if (!running && this.#runningSince !== null) {
      this.#accumulated += now - this.#runningSince;
      this.#runningSince = null;
    }
  }

  elapsed(now: number): number {
    return this.#accumulated + (this.#runningSince === null ? 0 : now - this.#runningSince);
  }

  /** Time from start to the first grid, only when this window saw the run start. */
  markGrid(now: number): void {
    if (this.firstGridMs === null && this.#startedAt !== null) this.firstGridMs = now - this.#startedAt;
  }

  /** How long since start while the first grid is still awaited, else null. */
  waitingForGrid(now: number): number | null {
    return this.firstGridMs === null && this.#startedAt !== null ? now - this.#startedAt : null;
  }
}
