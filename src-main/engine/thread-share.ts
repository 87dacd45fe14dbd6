/**
 * The engine's one JavaScript thread, shared between a training run and the other views' requests.
 *
 * A training step holds the thread for its whole length (it is compute on the wasm heap), and the
 * loop hands the thread back once per step. A request that needs many turns of the event loop (a
 * page of thumbnails: a catalog read, then many sharp calls on the libuv pool) got one turn per step,
 * and took seconds: a Data view page took 2.3–4 s during training against 19 ms with the engine
 * idle (bench/main-lag.ts --data emoji, 2026-12-05). So between two steps, while any request is in
 * flight, the loop waits until they have all answered, or at most about one step's time: a short
 * request finishes at once. A request holds training back only for its first 2 s: after that (an
 * import, an export, an evaluation, each with its progress bar) it shares the thread a turn per
 * step, as before.
 *
 * One per process: there is one event loop.
 */
export class ThreadShare {
  /** When each request in flight arrived (performance.now()), by a token of its own. */
  private readonly arrived = new Map<symbol, number>();
  private readonly waiters = new Set<() => void>();

  /**
   * graceMs: how long a request holds the training loop back. Long work (an import whose decoding
   * runs on worker threads, an evaluation, an export) has a progress bar and shares the thread
   * step by step after that, rather than halving training for minutes.
   */
  constructor(private readonly graceMs = 2000) {}

  /** How many requests are being answered now. */
  get busy(): number {
    return this.arrived.size;
  }

  /** Runs `work` as one request in flight. */
  async track<T>(work: () => Promise<T>): Promise<T> {
    const token = Symbol('request');
    this.arrived.set(token, performance.now());
    try {
      return await work();
    } finally {
      this.arrived.delete(token);
      // Woken in a later turn, not now: the reply to this request is still a few promise
      // reactions away from being sent, and the next step would run before them.
      if (this.youngest() === null) setImmediate(() => this.youngest() === null && [...this.waiters].forEach((wake) => wake()));
    }
  }

  /**
   * Between two training steps: one turn of the event loop (messages that arrived during the step
   * are read), then, while requests that arrived less than graceMs ago are in flight, until they
   * have all answered or aged past graceMs, or `maxMs` passed.
   */
  async yieldTurn(maxMs: number): Promise<void> {
    await new Promise<void>((resolve) => setImmediate(resolve));
    const youngest = this.youngest();
    if (youngest === null) return;
    const wait = Math.min(maxMs, this.graceMs - (performance.now() - youngest));
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, wait);
      this.waiters.add(done);
    });
  }

  /** Ends any wait now: a pause, stop or rollback must not sit out the window. */
  wake(): void {
    for (const done of [...this.waiters]) done();
  }

  /** When the newest request within its grace arrived, or null when none is. */
  private youngest(): number | null {
    const now = performance.now();
    let newest: number | null = null;
    for (const at of this.arrived.values()) if (now - at < this.graceMs && (newest === null || at > newest)) newest = at;
    return newest;
  }
}

/** The engine process's thread. */
export const engineThread = new ThreadShare();

/** How long a step waits for requests at most: its own length, up to 1 s (training keeps at least half the thread). */
export function shareWindowMs(stepMs: number): number {
  return Math.min(1000, Math.max(1, stepMs));
}
