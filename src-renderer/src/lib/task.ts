/**
 * One cancellable job's run/cancel/progress/error state (an export, an evaluation, a StyleGAN
 * export): a single place for the rules the views rely on. A job runs at most once at a time;
 * progress only counts while it runs; a failed job or a failed cancel shows its error; a failed
 * cancel puts "Cancelling…" back to Cancel, since the job is still running and may be cancelled again.
 *
 * The state lives in `state`, a plain object: `createTask` (task.svelte.ts) passes a `$state` one so
 * the views follow it; the logic here has no runes, so it is unit-tested as it is.
 */
import { describeError, type ErrorInfo } from './errors';

export interface TaskState<P> {
  running: boolean;
  cancelling: boolean;
  progress: P | null;
  error: ErrorInfo | null;
}

export const idleTask = <P>(): TaskState<P> => ({ running: false, cancelling: false, progress: null, error: null });

export class Task<P> {
  constructor(
    /** Asks the job to stop; it still ends through the job's own promise. */
    private readonly requestCancel: () => Promise<unknown>,
    private readonly state: TaskState<P> = idleTask<P>(),
  ) {}

  get running(): boolean {
    return this.state.running;
  }
  get cancelling(): boolean {
    return this.state.cancelling;
  }
  get progress(): P | null {
    return this.state.progress;
  }
  /** The job's (or its cancel's) error; a store may also show a refused request here. */
  get error(): ErrorInfo | null {
    return this.state.error;
  }
  set error(error: ErrorInfo | null) {
    this.state.error = error;
  }

  /** A progress event: kept only while the job runs (a late event must not show a finished bar). */
  report(progress: P): void {
    if (this.state.running) this.state.progress = progress;
  }

  /**
   * Runs `job` unless one runs already. Resolves to `{ value }`, or to null when it did not run
   * or failed (its error is in `error`). `settle` runs after the job, still while `running`
   * (e.g. re-reading what the job saved), so the view never shows "done" before the list is fresh.
   */
  async run<R>(job: () => Promise<R>, settle?: () => Promise<unknown> | void): Promise<{ value: R } | null> {
    if (this.state.running) return null;
    this.state.running = true;
    this.state.cancelling = false;
    this.state.progress = null;
    this.state.error = null;
    try {
      return { value: await job() };
    } catch (err) {
      this.state.error = describeError(err);
      return null;
    } finally {
      try {
        await settle?.();
      } finally {
        this.state.running = false;
        this.state.cancelling = false;
        this.state.progress = null;
      }
    }
  }

  async cancel(): Promise<void> {
    if (!this.state.running || this.state.cancelling) return;
    this.state.cancelling = true;
    try {
      await this.requestCancel();
    } catch (err) {
      this.state.error = describeError(err);
      // The job goes on: offer Cancel again instead of a "Cancelling…" that never ends.
      if (this.state.running) this.state.cancelling = false;
    }
  }
}
