/**
 * Latest-only scheduling for interactive renders. A slider fires requests far faster than a CPU
 * backend renders them (and while a run trains, a render waits for the current step), so drawing
 * every one in turn would leave the picture seconds behind the hand. Per lane, one task runs and at
 * most one waits: a newer request replaces the waiting one, which is answered 'superseded'.
 * Lanes are independent, so the scrubber never waits behind the seed browser's page.
 */
export type LaneOutcome<T> = { status: 'done'; value: T } | { status: 'superseded' };

interface Waiting<T> {
  seq: number;
  task: () => Promise<T>;
  resolve: (outcome: LaneOutcome<T>) => void;
  reject: (err: unknown) => void;
}

interface Lane {
  newest: number;
  running: boolean;
  waiting: Waiting<unknown> | null;
  lastUsed: number;
}

export class LatestOnly {
  private readonly lanes = new Map<string, Lane>();
  private clock = 0;

  /** Idle lanes beyond `maxLanes` are forgotten (each window and view makes its own lanes). */
  constructor(private readonly maxLanes = 256) {}

  /**
   * Runs `task` unless a request of the same lane with a higher `seq` arrives before it starts (or
   * already arrived: replies can cross on a reconnect). Errors of the task reject the promise.
   */
  run<T>(lane: string, seq: number, task: () => Promise<T>): Promise<LaneOutcome<T>> {
    const state = this.lane(lane);
    if (seq <= state.newest) return Promise.resolve({ status: 'superseded' });
    state.newest = seq;
    return new Promise<LaneOutcome<T>>((resolve, reject) => {
      const entry: Waiting<T> = { seq, task, resolve, reject };
      if (state.waiting) state.waiting.resolve({ status: 'superseded' });
      state.waiting = entry as Waiting<unknown>;
      if (!state.running) this.next(state);
    });
  }

  /** Lanes with work running or waiting (for tests and diagnostics). */
  busyLanes(): string[] {
    return [...this.lanes].filter(([, l]) => l.running || l.waiting).map(([name]) => name);
  }

  private next(state: Lane): void {
    const entry = state.waiting;
    state.waiting = null;
    if (!entry) {
      state.running = false;
      return;
    }
    state.running = true;
    state.lastUsed = ++this.clock;
    // The lane moves on before the caller hears back, so a caller that immediately sends again
    // finds it free; a task that throws synchronously frees it too.
    Promise.resolve()
      .then(entry.task)
      .then(
        (value) => {
          this.next(state);
          entry.resolve({ status: 'done', value });
        },
        (err: unknown) => {
          this.next(state);
          entry.reject(err);
        },
      );
  }

  private lane(name: string): Lane {
    let state = this.lanes.get(name);
    if (!state) {
      state = { newest: -1, running: false, waiting: null, lastUsed: ++this.clock };
      this.lanes.set(name, state);
      if (this.lanes.size > this.maxLanes) this.forgetIdle();
    }
    return state;
  }

  private forgetIdle(): void {
    const idle = [...this.lanes].filter(([, l]) => !l.running && !l.waiting).sort((a, b) => a[1].lastUsed - b[1].lastUsed);
    for (const [name] of idle.slice(0, this.lanes.size - this.maxLanes)) this.lanes.delete(name);
  }
}
